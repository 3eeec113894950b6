import type { Database } from '../db/database';
import { type IncomingEvent, eventFingerprint } from '../ehealth/event';
import { EhealthEvent, type EventStatus } from '../entities/EhealthEvent';
import { Job } from '../entities/Job';

export type IngestOutcome =
  /** Newly committed: answer 202. */
  | { kind: 'accepted'; id: string; status: EventStatus }
  /** The same id with the same body was committed before: answer 200, send nothing again. */
  | { kind: 'duplicate'; id: string; status: EventStatus }
  /** The same id with another body: answer 409. */
  | { kind: 'conflict'; id: string };

interface Pending {
  event: IncomingEvent;
  fingerprint: string;
  resolve(outcome: IngestOutcome): void;
  reject(error: unknown): void;
}

/** Rows per transaction: large enough to absorb a burst, small enough for SQLite's bound-variable limit. */
const MAX_BATCH = 256;

/**
 * Commits eHealth events, each with its first job, before they are acknowledged, many per transaction
 * (group commit). A batch is written as soon as the previous commit ends, never on a timer: pushes
 * that arrive during a commit simply go into the next one.
 */
export class EventIngestor {
  private queue: Pending[] = [];
  private writing = false;

  constructor(
    private readonly db: Database,
    private readonly onCommitted: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves once the event is durably stored (or found to be a duplicate or a conflict). */
  submit(event: IncomingEvent): Promise<IngestOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, fingerprint: eventFingerprint(event), resolve, reject });
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const outcomes = await this.commit(batch).catch(() => this.commit(batch));
          batch.forEach((item, index) => item.resolve(outcomes[index]));
          if (outcomes.some((outcome) => outcome.kind === 'accepted')) this.onCommitted();
        } catch (error) {
          for (const item of batch) item.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /**
   * One transaction for the batch. Retried once on failure: on PostgreSQL another instance may have
   * inserted one of these ids in between, which the second pass then sees as a duplicate.
   */
  private commit(batch: Pending[]): Promise<IngestOutcome[]> {
    return this.db.tx(async (manager) => {
      const now = this.now();
      const ids = [...new Set(batch.map((item) => item.event.id))];
      const existing = new Map<string, { fingerprint: string; status: EventStatus }>();
      if (ids.length > 0) {
        const rows = await manager
          .createQueryBuilder(EhealthEvent, 'e')
          .select(['e.id', 'e.fingerprint', 'e.status'])
          .where('e.id IN (:...ids)', { ids })
          .getMany();
        for (const row of rows) existing.set(row.id, { fingerprint: row.fingerprint, status: row.status });
      }
      const newEvents: Partial<EhealthEvent>[] = [];
      const newJobs: Partial<Job>[] = [];
      const outcomes = batch.map(({ event, fingerprint }): IngestOutcome => {
        const known = existing.get(event.id);
        if (known) {
          return known.fingerprint === fingerprint
            ? { kind: 'duplicate', id: event.id, status: known.status }
            : { kind: 'conflict', id: event.id };
        }
        const status = initialStatus(event, now);
        existing.set(event.id, { fingerprint, status });
        newEvents.push(toRow(event, fingerprint, status, now));
        if (status === 'queued') {
          newJobs.push({ id: event.id, round: 0, step: 'dispatch', dueAt: now, state: '{}', lockedBy: null, lockedUntil: null, createdAt: now });
        }
        return { kind: 'accepted', id: event.id, status };
      });
      if (newEvents.length > 0) {
        await manager.createQueryBuilder().insert().into(EhealthEvent).values(newEvents).updateEntity(false).execute();
      }
      if (newJobs.length > 0) {
        await manager.createQueryBuilder().insert().into(Job).values(newJobs).updateEntity(false).execute();
      }
      return outcomes;
    });
  }
}

/** Rules 1 and 2 of the cascade, decided before anything is sent. */
function initialStatus(event: IncomingEvent, now: number): EventStatus {
  if (event.phone === null) return 'print_required';
  if (event.expiresAt && event.expiresAt.getTime() <= now) return 'expired';
  return 'queued';
}

function toRow(event: IncomingEvent, fingerprint: string, status: EventStatus, now: number): Partial<EhealthEvent> {
  return {
    id: event.id,
    type: event.type,
    phone: event.phone,
    thirdPerson: event.thirdPerson,
    patientId: event.patientId,
    patientName: event.patientName,
    number: event.number,
    code: event.code,
    expiresAt: event.expiresAt?.getTime() ?? null,
    details: Object.keys(event.details).length > 0 ? JSON.stringify(event.details) : null,
    fingerprint,
    status,
    channel: status === 'print_required' ? 'print' : null,
    reason:
      status === 'print_required'
        ? 'no phone number: the patient needs the printed information note'
        : status === 'expired'
          ? 'expires_at had already passed when eHealth pushed the event'
          : null,
    round: 0,
    createdAt: now,
    updatedAt: now,
  };
}
