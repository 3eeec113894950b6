import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './columns';

/**
 * A Viber receipt (`delivered`, `seen`, `failed`) whose `message_token` matched no attempt yet: it
 * raced ahead of the send's response. Applied as soon as the send stores its token.
 */
@Entity({ name: 'pending_receipts' })
@Index('idx_pending_receipts_token', ['messageToken'])
export class PendingReceipt {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'message_token', type: 'varchar', length: 32 })
  messageToken!: string;

  @Column({ type: 'varchar', length: 10 })
  kind!: 'delivered' | 'seen' | 'failed';

  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  @Column({ type: 'bigint', transformer: epochMs })
  at!: number;
}
