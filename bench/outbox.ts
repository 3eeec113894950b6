/**
 * (d) The outbox with a million stored events (about a day at eHealth's volume; reference 3.1)
 * against an empty one, on the default SQLite. Three figures each: pushes accepted per second (the
 * real server, 32 connections), claims per second of the job queue with a million more jobs
 * waiting in the table (an SMS outage's backlog of retries), and messages delivered per second by
 * the real server's worker. Target: the full database within 20 % of the empty one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../src/db/database';
import { JobQueue } from '../src/delivery/jobs';
import { Child } from './lib/child';
import { type IngestFigures, measureWarmedUp } from './lib/ingest';
import { phoneFor } from './lib/pushes';
import { scrape, total } from './lib/scrape';
import { fmt } from './lib/stats';
import { startVistka } from './lib/vistka';

export interface OutboxFigures {
  events: number;
  populateSeconds: number;
  empty: OutboxRun;
  full: OutboxRun;
}

interface OutboxRun {
  ingest: IngestFigures;
  claimsPerSecond: number;
  deliveredPerSecond: number;
}

const CLAIMED_JOBS = 20_000;
const DELIVERED_EVENTS = 10_000;

export async function benchOutbox(options: { events: number; seconds: number }): Promise<OutboxFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'vistka-bench-outbox-'));
  const sink = await Child.start('bench/provider-sink', {});
  try {
    const emptyPath = join(dir, 'empty.sqlite');
    const fullPath = join(dir, 'full.sqlite');
    await migrate(emptyPath);
    await migrate(fullPath);
    const started = performance.now();
    populate(fullPath, options.events);
    const populateSeconds = (performance.now() - started) / 1000;
    const empty = await runOn(emptyPath, sink.url, options.seconds);
    const full = await runOn(fullPath, sink.url, options.seconds);
    return { events: options.events, populateSeconds, empty, full };
  } finally {
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function migrate(path: string): Promise<void> {
  const db = await openDatabase({ kind: 'sqlite', path });
  await db.close();
}

async function runOn(path: string, sinkUrl: string, seconds: number): Promise<OutboxRun> {
  const claimsPerSecond = await measureClaims(path);
  queueEvents(path, DELIVERED_EVENTS);
  const vistka = await startVistka(`sqlite:${path}`, sinkUrl);
  try {
    // The worker alone first: the queued events, delivered as fast as it can.
    const started = performance.now();
    for (;;) {
      const samples = await scrape(vistka.url);
      if (total(samples, 'vistka_deliveries_total') >= DELIVERED_EVENTS) break;
      // Not too often: a scrape counts the outbox, which the full database makes dearer.
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const deliveredPerSecond = DELIVERED_EVENTS / ((performance.now() - started) / 1000);
    const ingest = await measureWarmedUp(vistka.url, { connections: 32, seconds, idPrefix: 'outbox-run' });
    return { ingest, claimsPerSecond, deliveredPerSecond };
  } finally {
    await vistka.stop();
  }
}

/** Claims and finishes CLAIMED_JOBS due jobs, 64 at a time, as the worker does. */
async function measureClaims(path: string): Promise<number> {
  const db = await openDatabase({ kind: 'sqlite', path });
  try {
    const now = Date.now();
    const raw = new BetterSqlite3(path);
    const insert = raw.prepare(`INSERT INTO jobs (id, round, step, due_at, state, created_at) VALUES (?, 0, 'sms', ?, '{}', ?)`);
    raw.transaction(() => {
      for (let i = 0; i < CLAIMED_JOBS; i++) insert.run(`claim-bench-${i}`, now - CLAIMED_JOBS + i, now);
    })();
    raw.close();
    const queue = new JobQueue(db, 'bench-worker');
    const started = performance.now();
    let claimed = 0;
    for (;;) {
      const jobs = await queue.claim(64, now);
      if (jobs.length === 0) break;
      claimed += jobs.length;
      await db.tx(async (manager) => {
        for (const job of jobs) await queue.finish(manager, job.id);
      }, { survivePowerLoss: false });
    }
    if (claimed !== CLAIMED_JOBS) throw new Error(`claimed ${claimed} of ${CLAIMED_JOBS}`);
    return claimed / ((performance.now() - started) / 1000);
  } finally {
    await db.close();
  }
}

/**
 * Writes a day's worth of history straight through SQLite: finished events with their delivery
 * attempt, and as many jobs waiting for a retry later (an outage's backlog).
 */
function populate(path: string, count: number): void {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const now = Date.now();
  const event = db.prepare(
    `INSERT INTO events (id, type, phone, third_person, patient_id, patient_name, number, code, expires_at, details, fingerprint, status, channel, reason, round, created_at, updated_at)
     VALUES (?, 'medication_request', ?, 0, ?, 'Іваненко О. П.', '0000-K8K5-5MTE-352H', ?, ?, ?, ?, ?, ?, NULL, 0, ?, ?)`,
  );
  const attempt = db.prepare(
    `INSERT INTO delivery_attempts (id, event_id, round, channel, provider, status, detail, external_id, recipient_id, created_at, updated_at)
     VALUES (?, ?, 0, ?, ?, ?, NULL, ?, NULL, ?, ?)`,
  );
  const job = db.prepare(`INSERT INTO jobs (id, round, step, due_at, state, created_at) VALUES (?, 0, 'sms', ?, '{}', ?)`);
  const details = JSON.stringify({ medication: 'Амоксицилін', dosage: '500 мг', doctor: 'Петренко І. І.', legal_entity: 'КНП ЦПМСД №1' });
  for (let start = 0; start < count; start += 20_000) {
    db.transaction(() => {
      for (let i = start; i < Math.min(count, start + 20_000); i++) {
        const id = `history-${i}`;
        const at = now - 86_400_000 + Math.floor((i / count) * 86_400_000);
        const viber = i % 3 === 0;
        event.run(id, phoneFor(i), `patient-${i}`, String(1000 + (i % 9000)), at + 30 * 86_400_000, details, 'x'.repeat(64), viber ? 'delivered' : 'sent', viber ? 'viber' : 'sms', at, at);
        attempt.run(`attempt-${i}`, id, viber ? 'viber' : 'sms', viber ? 'viber' : 'turbosms', viber ? 'delivered' : 'sent', String(7_000_000_000_000_000_000n + BigInt(i)), at, at);
        job.run(`waiting-${i}`, now + 3_600_000 + i, at);
      }
    })();
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** Events queued for delivery, as ingest would have left them, for the worker to drain. */
function queueEvents(path: string, count: number): void {
  const db = new BetterSqlite3(path);
  const now = Date.now();
  const event = db.prepare(
    `INSERT INTO events (id, type, phone, third_person, patient_id, patient_name, number, code, expires_at, details, fingerprint, status, channel, reason, round, created_at, updated_at)
     VALUES (?, 'medication_request', ?, 0, 'p', 'Іваненко О. П.', '0000-K8K5-5MTE-352H', '4821', ?, NULL, ?, 'queued', NULL, NULL, 0, ?, ?)`,
  );
  const job = db.prepare(`INSERT INTO jobs (id, round, step, due_at, state, created_at) VALUES (?, 0, 'dispatch', ?, '{}', ?)`);
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = `queued-${i}`;
      event.run(id, phoneFor(5_000_000 + i), now + 86_400_000, 'y'.repeat(64), now, now);
      job.run(id, now, now);
    }
  })();
  db.close();
}

export function printOutbox(f: OutboxFigures): void {
  const label = f.events >= 1_000_000 ? `${f.events / 1_000_000} million` : f.events.toLocaleString('en-US');
  console.log(`\n## (d) The outbox with ${label} stored events (and as many jobs waiting) vs an empty one (SQLite)`);
  console.log(`populated in ${f.populateSeconds.toFixed(0)} s`);
  const row = (name: string, empty: number, full: number, unit: (n: number) => string) => {
    const ratio = full / empty;
    console.log(
      `${name.padEnd(30)} empty ${unit(empty).padStart(9)}   full ${unit(full).padStart(9)}   full/empty ${fmt.pct(ratio).padStart(5)}` +
        `   (target >= 80 %: ${ratio >= 0.8 ? 'met' : 'MISSED'})`,
    );
  };
  row('pushes accepted (32 conn.)', f.empty.ingest.rps, f.full.ingest.rps, fmt.rps);
  row('jobs claimed and finished', f.empty.claimsPerSecond, f.full.claimsPerSecond, fmt.rps);
  row('messages delivered (worker)', f.empty.deliveredPerSecond, f.full.deliveredPerSecond, fmt.rps);
  console.log(`push p99: empty ${fmt.ms(f.empty.ingest.p99)}, full ${fmt.ms(f.full.ingest.p99)}`);
}
