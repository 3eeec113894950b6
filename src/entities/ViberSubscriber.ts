import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './columns';

/**
 * A Viber user of the bot and the phone they proved is theirs. A phone is "on Viber" for the cascade
 * only while its subscriber is verified, subscribed (`active`) and has not asked to stop (`optedOut`).
 */
@Entity({ name: 'viber_subscribers' })
@Index('idx_viber_subscribers_phone', ['phone'])
export class ViberSubscriber {
  @PrimaryColumn({ name: 'viber_id', type: 'varchar', length: 64 })
  viberId!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  name!: string | null;

  /** The Viber client's language (ISO 639-1); `en` gets English texts, anything else Ukrainian. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  language!: string | null;

  @Column({ name: 'api_version', type: 'integer', nullable: true })
  apiVersion!: number | null;

  /** The verified phone (E.164), or null until a code sent to it by SMS was typed back. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  phone!: string | null;

  @Column({ name: 'verified_at', type: 'bigint', nullable: true, transformer: epochMs })
  verifiedAt!: number | null;

  /**
   * What eHealth sent to the phone before this is not shown to this user: set when they took over a
   * phone another Viber user had verified (a recycled number), null when the history is theirs.
   */
  @Column({ name: 'data_since', type: 'bigint', nullable: true, transformer: epochMs })
  dataSince!: number | null;

  /** Subscribed to the bot: false after Viber's `unsubscribed`. */
  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** The user asked to stop Viber delivery; SMS carries on. */
  @Column({ name: 'opted_out', type: 'boolean', default: false })
  optedOut!: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}
