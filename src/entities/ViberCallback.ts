import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './columns';

/** A Viber callback already handled, so that Viber's retries have the effect of one. */
@Entity({ name: 'viber_callbacks' })
@Index('idx_viber_callbacks_at', ['at'])
export class ViberCallback {
  /** `<event>:<message_token>` (plus the user for receipts, which Viber sends once per device). */
  @PrimaryColumn({ type: 'varchar', length: 160 })
  key!: string;

  @Column({ type: 'bigint', transformer: epochMs })
  at!: number;
}
