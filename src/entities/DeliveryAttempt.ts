import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './columns';
import type { Channel } from './EhealthEvent';

export type AttemptStatus = 'sending' | 'sent' | 'delivered' | 'seen' | 'failed';

/** One try to reach the patient on one channel: the timeline staff and eHealth read. */
@Entity({ name: 'delivery_attempts' })
@Index('idx_attempts_event', ['eventId', 'createdAt'])
@Index('idx_attempts_external', ['externalId', 'channel'])
export class DeliveryAttempt {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'event_id', type: 'varchar', length: 128 })
  eventId!: string;

  @Column({ type: 'integer', default: 0 })
  round!: number;

  @Column({ type: 'varchar', length: 10 })
  channel!: Channel;

  /** `viber`, or the SMS provider: `turbosms`, `twilio`, `console`. */
  @Column({ type: 'varchar', length: 20 })
  provider!: string;

  @Column({ type: 'varchar', length: 20 })
  status!: AttemptStatus;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  /** The provider's id of the message: Viber's 64-bit `message_token` as a string, or the SMS id. */
  @Column({ name: 'external_id', type: 'varchar', length: 64, nullable: true })
  externalId!: string | null;

  /** The Viber user the message went to (Viber channel only). */
  @Column({ name: 'recipient_id', type: 'varchar', length: 64, nullable: true })
  recipientId!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}
