import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from './columns';

export const AUDIT_VIAS = ['http', 'viber', 'cli'] as const;
export type AuditVia = (typeof AUDIT_VIAS)[number];

/** `ok`, or why the action did not happen: 401 → denied, 403 → forbidden, bad input → invalid… */
export type AuditOutcome = 'ok' | 'denied' | 'forbidden' | 'invalid' | 'not_found' | 'conflict' | 'error';

/**
 * One line of the audit log: who did what to which target, when, through which door, and how it
 * ended. Append-only (the database refuses UPDATE and DELETE); never holds a code or a full phone.
 */
@Entity({ name: 'audit_log' })
@Index('idx_audit_log_at', ['at'])
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'bigint', transformer: epochMs })
  at!: number;

  @Column({ type: 'varchar', length: 10 })
  via!: AuditVia;

  /** `staff:<id>`, `ADMIN_TOKEN`, `cli:<os user>`, `viber:<masked id>` or `anonymous`. */
  @Column({ type: 'varchar', length: 120 })
  actor!: string;

  @Column({ name: 'actor_name', type: 'varchar', length: 100, nullable: true })
  actorName!: string | null;

  /** A dotted name: `event.resend`, `staff.create`, `subscriber.delete`, `note.print`… */
  @Column({ type: 'varchar', length: 40 })
  action!: string;

  /** `event:<id>`, `staff:<id>`, `phone:<masked>`; null for actions on nothing in particular. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  target!: string | null;

  @Column({ type: 'varchar', length: 12 })
  outcome!: AuditOutcome;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  /** The client's IP address for HTTP calls. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  source!: string | null;
}
