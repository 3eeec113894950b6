import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './columns';

/**
 * The next step of an event's cascade: the outbox. One row per unfinished event (or phone-ownership SMS); the worker claims
 * due rows with a lease, so a crashed instance's work is picked up again once the lease ends. Timers
 * (the Viber delivery timeout, SMS backoff) are this row's `due_at`, never an in-memory setTimeout.
 */
@Entity({ name: 'jobs' })
@Index('idx_jobs_due', ['dueAt'])
export class Job {
  /** The event's id, or `claim:<id>` for the SMS that proves a phone belongs to a Viber user. */
  @PrimaryColumn({ type: 'varchar', length: 140 })
  id!: string;

  @Column({ type: 'integer', default: 0 })
  round!: number;

  /** `dispatch`, `viber_wait`, `sms` or `claim_sms`. */
  @Column({ type: 'varchar', length: 20 })
  step!: string;

  @Column({ name: 'due_at', type: 'bigint', transformer: epochMs })
  dueAt!: number;

  /** JSON of the step's own state (tries, provider position, attempt id). */
  @Column({ type: 'text', default: '{}' })
  state!: string;

  @Column({ name: 'locked_by', type: 'varchar', length: 64, nullable: true })
  lockedBy!: string | null;

  @Column({ name: 'locked_until', type: 'bigint', nullable: true, transformer: epochMs })
  lockedUntil!: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;
}
