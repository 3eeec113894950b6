import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './columns';

/** Where an event stands, as eHealth and staff see it. */
export const EVENT_STATUSES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'seen',
  'failed',
  'expired',
  'print_required',
] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];
export type Channel = 'viber' | 'sms' | 'print';

/** One message eHealth handed over, keyed by eHealth's own idempotency id. */
@Entity({ name: 'events' })
@Index('idx_events_created_at', ['createdAt'])
@Index('idx_events_phone_created_at', ['phone', 'createdAt'])
@Index('idx_events_status', ['status'])
export class EhealthEvent {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  type!: string;

  /** The recipient in E.164: the patient, or their parent / legal representative. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  phone!: string | null;

  @Column({ name: 'third_person', type: 'boolean', default: false })
  thirdPerson!: boolean;

  @Column({ name: 'patient_id', type: 'varchar', length: 128, nullable: true })
  patientId!: string | null;

  @Column({ name: 'patient_name', type: 'varchar', length: 200, nullable: true })
  patientName!: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  number!: string | null;

  /** The confirmation code; erased by retention once the document has long expired. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  code!: string | null;

  @Column({ name: 'expires_at', type: 'bigint', nullable: true, transformer: epochMs })
  expiresAt!: number | null;

  /** JSON of the `details` object (medication, dosage, program, service, doctor, legal_entity). */
  @Column({ type: 'text', nullable: true })
  details!: string | null;

  @Column({ type: 'varchar', length: 64 })
  fingerprint!: string;

  @Column({ type: 'varchar', length: 20 })
  status!: EventStatus;

  @Column({ type: 'varchar', length: 10, nullable: true })
  channel!: Channel | null;

  /** Why the event failed or fell back, in words an operator can act on. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** The cascade number: 0 for the first, one more for each staff resend. */
  @Column({ type: 'integer', default: 0 })
  round!: number;

  /** When retention erased the code, details and name (null while they are kept). */
  @Column({ name: 'erased_at', type: 'bigint', nullable: true, transformer: epochMs })
  erasedAt!: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}
