import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './columns';

/** An API token of a staff member. Only its SHA-256 is kept: the token itself is shown once, when issued. */
@Entity({ name: 'staff_tokens' })
@Index('idx_staff_tokens_hash', ['tokenHash'], { unique: true })
@Index('idx_staff_tokens_staff', ['staffId'])
export class StaffToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'staff_id', type: 'varchar', length: 36 })
  staffId!: string;

  /** Hex SHA-256 of the token. */
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;
}
