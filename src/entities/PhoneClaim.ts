import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './columns';

/** `unsent`: its SMS could not be sent; it does not count towards the limits (the patient never got a code). */
export type ClaimStatus = 'pending' | 'verified' | 'dead' | 'unsent';

/**
 * A Viber user's claim to own a phone, proven by a 6-digit code sent to that phone by SMS.
 * Only a hash of the code is kept.
 */
@Entity({ name: 'phone_claims' })
@Index('idx_phone_claims_viber', ['viberId', 'createdAt'])
@Index('idx_phone_claims_phone', ['phone', 'createdAt'])
export class PhoneClaim {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'viber_id', type: 'varchar', length: 64 })
  viberId!: string;

  @Column({ type: 'varchar', length: 16 })
  phone!: string;

  @Column({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash!: string;

  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMs })
  expiresAt!: number;

  @Column({ name: 'wrong_tries', type: 'integer', default: 0 })
  wrongTries!: number;

  @Column({ type: 'varchar', length: 10 })
  status!: ClaimStatus;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;
}
