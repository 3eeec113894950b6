import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { execute, marks, select } from '../db/sql';
import { isDatabaseUnavailable } from '../db/unavailable';
import type { IncomingEvent } from '../ehealth/event';
import type { EventStatus } from '../entities/EhealthEvent';
import { type DeliveryMetrics, noMetrics } from '../metrics';

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

/**
 * A burst: pushes waiting for their commit, on average over a window, at least this many. It
 * measures demand (how many eHealth requests are waiting), not throughput, which the worker's own
 * CPU use would hold down. At eHealth's peak of 200/s a batch holds one push, rarely two; a single
 * slow commit makes one batch larger but not the window's average.
 */
const BURST_BATCH = 8;
/** The average is taken over windows this long. */
const WINDOW_MS = 100;
/**
 * Also a burst: this many pushes committed within one window (1,000/s, five times eHealth's peak).
 * Faster commits keep batches small even under a flood, so batch size alone would miss one.
 */
const BURST_PUSHES = 100;
/** How long after the last burst window the ingestor still counts as busy. */
const BURST_MEMORY_MS = 250;

/**
 * The fingerprint of an event whose code and details retention erased (it could be reversed into the code).
 * A push repeating such an event's id is answered as a duplicate: its body can no longer be compared, and
 * nothing of it is sent again either way.
 */
export const ERASED_FINGERPRINT = 'erased';

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
  private lastBurstAt = -Infinity;
  private windowStart = 0;
  private windowPushes = 0;
  private windowBatches = 0;

  constructor(
    private readonly db: Database,
    private readonly onCommitted: () => void,
    private readonly now: () => number = Date.now,
    private readonly metrics: DeliveryMetrics = noMetrics,
  ) {}

  /**
   * Pushes are arriving in a burst (see BURST_BATCH). The worker then holds back, so that eHealth's
   * pushes get the CPU and their 202 quickly; it delivers the burst right after. At eHealth's real
   * rates this stays false.
   */
  underPressure(): boolean {
    return performance.now() - this.lastBurstAt < BURST_MEMORY_MS;
  }

  /**
   * Resolves once the event is durably stored (or found to be a duplicate or a conflict). The
   * fingerprint comes with the event, computed where it was checked (checkPush).
   */
  submit(event: IncomingEvent, fingerprint: string): Promise<IngestOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, fingerprint, resolve, reject });
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
        this.measureDemand(batch.length);
        // The next batch may start as soon as this one is committed; its pushes are answered once
        // it is also on disk (Database.tx), which overlaps with the next batch's transaction.
        await new Promise<void>((committed) => void this.write(batch, committed));
      }
    } finally {
      this.writing = false;
    }
  }

  private measureDemand(batchSize: number): void {
    const now = performance.now();
    this.windowPushes += batchSize;
    this.windowBatches += 1;
    if (now - this.windowStart < WINDOW_MS) return;
    if (this.windowPushes >= BURST_PUSHES || this.windowPushes / this.windowBatches >= BURST_BATCH) this.lastBurstAt = now;
    this.windowStart = now;
    this.windowPushes = 0;
    this.windowBatches = 0;
  }

  private async write(batch: Pending[], committed: () => void): Promise<void> {
    try {
      const startedAt = performance.now();
      // Once more after a failure, unless the database is not answering (a second wait of the query
      // timeout would only delay eHealth's retry).
      const outcomes = await this.commit(batch, committed).catch((error: unknown) => {
        if (isDatabaseUnavailable(error)) throw error;
        return this.commit(batch, committed);
      });
      this.metrics.ingestCommit(batch.length, (performance.now() - startedAt) / 1000);
      batch.forEach((item, index) => {
        const outcome = outcomes[index];
        this.metrics.pushReceived(item.event.type, outcome.kind);
        if (outcome.kind === 'accepted') this.metrics.eventStatus(item.event.type, outcome.status);
        item.resolve(outcome);
      });
      if (outcomes.some((outcome) => outcome.kind === 'accepted')) this.onCommitted();
    } catch (error) {
      for (const item of batch) item.reject(error);
    } finally {
      committed();
    }
  }

  /**
   * One transaction for the batch. Retried once on failure: on PostgreSQL another instance may have
   * inserted one of these ids in between, which the second pass then sees as a duplicate.
   */
  private commit(batch: Pending[], committed: () => void): Promise<IngestOutcome[]> {
    const options = { urgent: true, onCommit: committed };
    if (this.db.dialect === 'sqlite') {
      // Synchronous on the raw connection: TypeORM's promise per statement cost more than the inserts.
      return this.db.sqliteTx((raw) => {
        const statements = sqliteStatements(raw);
        const plan = planBatch(batch, (ids) => ids.map((id) => statements.find.get(id)).filter(isKnown), this.now());
        for (const values of plan.events) statements.insertEvent.run(values.map(sqliteValue));
        for (const values of plan.jobs) statements.insertJob.run(values);
        return plan.outcomes;
      }, options);
    }
    return this.db.tx(async (manager) => {
      const ids = [...new Set(batch.map((item) => item.event.id))];
      const known = await select<KnownEvent>(manager, `SELECT id, fingerprint, status FROM events WHERE id IN (${marks(ids.length)})`, ids);
      const plan = planBatch(batch, () => known, this.now());
      // Plain multi-row INSERTs (see db/sql.ts): the query builder cost ~100 µs per event here.
      if (plan.events.length > 0) await insertRows(manager, 'events', EVENT_COLUMNS, plan.events);
      if (plan.jobs.length > 0) await insertRows(manager, 'jobs', JOB_COLUMNS, plan.jobs);
      return plan.outcomes;
    }, options);
  }
}

interface KnownEvent {
  id: string;
  fingerprint: string;
  status: EventStatus;
}

const isKnown = (row: KnownEvent | undefined): row is KnownEvent => row !== undefined;

/**
 * Decides each push of a batch against the events already stored (`lookup` gets the ids) and the
 * batch's own earlier pushes: new (the rows to insert), a duplicate, or a conflict.
 */
function planBatch(batch: Pending[], lookup: (ids: string[]) => KnownEvent[], now: number) {
  const existing = new Map<string, { fingerprint: string; status: EventStatus }>();
  for (const row of lookup([...new Set(batch.map((item) => item.event.id))])) existing.set(row.id, row);
  const events: unknown[][] = [];
  const jobs: unknown[][] = [];
  const outcomes = batch.map(({ event, fingerprint }): IngestOutcome => {
    const known = existing.get(event.id);
    if (known) {
      const same = known.fingerprint === fingerprint || known.fingerprint === ERASED_FINGERPRINT;
      return same ? { kind: 'duplicate', id: event.id, status: known.status } : { kind: 'conflict', id: event.id };
    }
    const status = initialStatus(event, now);
    existing.set(event.id, { fingerprint, status });
    events.push(eventValues(event, fingerprint, status, now));
    if (status === 'queued') jobs.push([event.id, 0, 'dispatch', now, '{}', now]);
    return { kind: 'accepted', id: event.id, status };
  });
  return { outcomes, events, jobs };
}

type RawSqlite = Parameters<Parameters<Database['sqliteTx']>[0]>[0];
const prepared = new WeakMap<RawSqlite, ReturnType<typeof prepare>>();

function prepare(raw: RawSqlite) {
  const row = (columns: string[]) => `(${marks(columns.length)})`;
  return {
    find: raw.prepare<[string], KnownEvent>('SELECT id, fingerprint, status FROM events WHERE id = ?'),
    insertEvent: raw.prepare(`INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES ${row(EVENT_COLUMNS)}`),
    insertJob: raw.prepare(`INSERT INTO jobs (${JOB_COLUMNS.join(', ')}) VALUES ${row(JOB_COLUMNS)}`),
  };
}

function sqliteStatements(raw: RawSqlite): ReturnType<typeof prepare> {
  let statements = prepared.get(raw);
  if (!statements) {
    statements = prepare(raw);
    prepared.set(raw, statements);
  }
  return statements;
}

/** better-sqlite3 binds no booleans. */
function sqliteValue(value: unknown): unknown {
  return typeof value === 'boolean' ? Number(value) : value;
}

/** Rules 1 and 2 of the cascade, decided before anything is sent. */
function initialStatus(event: IncomingEvent, now: number): EventStatus {
  if (event.phone === null) return 'print_required';
  if (event.expiresAt && event.expiresAt.getTime() <= now) return 'expired';
  return 'queued';
}

const EVENT_COLUMNS = [
  'id',
  'type',
  'phone',
  'third_person',
  'patient_id',
  'patient_name',
  'number',
  'code',
  'expires_at',
  'details',
  'fingerprint',
  'status',
  'channel',
  'reason',
  'round',
  'created_at',
  'updated_at',
];
const JOB_COLUMNS = ['id', 'round', 'step', 'due_at', 'state', 'created_at'];

async function insertRows(manager: EntityManager, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const row = `(${marks(columns.length)})`;
  const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${row}${`, ${row}`.repeat(rows.length - 1)}`;
  await execute(manager, sql, rows.flat());
}

/** The row of a new event, in EVENT_COLUMNS order. */
function eventValues(event: IncomingEvent, fingerprint: string, status: EventStatus, now: number): unknown[] {
  const reason =
    status === 'print_required'
      ? 'no phone number: the patient needs the printed information note'
      : status === 'expired'
        ? 'expires_at had already passed when eHealth pushed the event'
        : null;
  return [
    event.id,
    event.type,
    event.phone,
    event.thirdPerson,
    event.patientId,
    event.patientName,
    event.number,
    event.code,
    event.expiresAt?.getTime() ?? null,
    Object.keys(event.details).length > 0 ? JSON.stringify(event.details) : null,
    fingerprint,
    status,
    status === 'print_required' ? 'print' : null,
    reason,
    0,
    now,
    now,
  ];
}
