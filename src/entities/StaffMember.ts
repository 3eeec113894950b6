import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './columns';

export const STAFF_ROLES = ['operator', 'admin'] as const;
/** `operator`: look up, resend, print. `admin`: also manage staff, bindings and read the audit log. */
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * A person who runs Vistka. Removing one keeps the row (`removed_at`), so the audit log's references
 * stay readable; a removed member's tokens and Viber commands stop working at once.
 */
@Entity({ name: 'staff_members' })
@Index('idx_staff_members_viber', ['viberId'])
@Index('idx_staff_members_viber_current', ['viberId'], { unique: true, where: 'removed_at IS NULL' })
export class StaffMember {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 10 })
  role!: StaffRole;

  /** The Viber user id that may type staff commands to the bot. */
  @Column({ name: 'viber_id', type: 'varchar', length: 64, nullable: true })
  viberId!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'removed_at', type: 'bigint', nullable: true, transformer: epochMs })
  removedAt!: number | null;
}
