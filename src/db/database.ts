import 'reflect-metadata';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import type { DatabaseConfig } from '../config';
import { AuditEntry } from '../entities/AuditEntry';
import { DeliveryAttempt } from '../entities/DeliveryAttempt';
import { EhealthEvent } from '../entities/EhealthEvent';
import { Job } from '../entities/Job';
import { PendingReceipt } from '../entities/PendingReceipt';
import { PhoneClaim } from '../entities/PhoneClaim';
import { StaffMember } from '../entities/StaffMember';
import { StaffToken } from '../entities/StaffToken';
import { ViberCallback } from '../entities/ViberCallback';
import { ViberSubscriber } from '../entities/ViberSubscriber';
import { withinMs } from '../time-limit';
import { Checkpointer } from './checkpointer';
import { migrations } from './migrations';
import { isDatabaseUnavailable } from './unavailable';
import { WalSync } from './wal-sync';

export const ENTITIES = [
  EhealthEvent,
  DeliveryAttempt,
  Job,
  PendingReceipt,
  ViberSubscriber,
  PhoneClaim,
  ViberCallback,
  StaffMember,
  StaffToken,
  AuditEntry,
];

export type Dialect = 'sqlite' | 'postgres';

/** A PostgreSQL transaction that lost a race is run at most this many times in all. */
const MAX_TX_ATTEMPTS = 4;

/** unique_violation, serialization_failure, deadlock_detected: a concurrent transaction won. */
const LOST_RACE_CODES = new Set(['23505', '40001', '40P01']);

function isLostRace(error: unknown): boolean {
  return typeof error === 'object' && error !== null && LOST_RACE_CODES.has(String((error as { code?: unknown }).code));
}

export interface TxOptions {
  /**
   * True (the default): the commit is on disk before `tx()` resolves, so it survives a power cut.
   * False: it survives a crash of the process but may be lost with the last moments before a power
   * cut or an OS crash, until the next full commit (which makes everything before it durable too:
   * SQLite's WAL and PostgreSQL's WAL are written in order). For the worker's own bookkeeping,
   * which a retry recovers; never for what a client was told is stored.
   */
  survivePowerLoss?: boolean;
  /**
   * A client is waiting on this commit (an eHealth push before its 202). On SQLite, where
   * transactions queue for the one connection, it goes ahead of queued background ones; the two kinds
   * then take turns, so neither starves. No effect on PostgreSQL, where they run in parallel.
   */
  urgent?: boolean;
  /**
   * Called as soon as the transaction is committed, before `tx()` resolves (which on SQLite waits
   * for the disk as well): a writer may start its next transaction meanwhile.
   */
  onCommit?: () => void;
}

/**
 * The database and the one rule of writing to it: every write goes through `tx()`.
 *
 * TypeORM's better-sqlite3 driver has a single connection shared by everything, so two transactions
 * started from different async paths would interleave into one. `tx()` therefore runs SQLite
 * transactions one after another; on PostgreSQL each takes a pooled connection and they run in parallel.
 */
export class Database {
  /** SQLite: transactions waiting for the connection, and whether one is running. */
  private readonly waiting = { urgent: [] as Array<() => void>, background: [] as Array<() => void> };
  private busy = false;
  private lastWasUrgent = false;
  private drained: (() => void) | null = null;

  constructor(
    readonly source: DataSource,
    readonly dialect: Dialect,
    /** SQLite: syncs and checkpoints the WAL off the event loop (see wal-sync.ts, checkpointer.ts). */
    private readonly wal: { sync: WalSync; checkpointer: Checkpointer } | null = null,
  ) {}

  /** For reads. Writes go through `tx()`. */
  get manager(): EntityManager {
    return this.source.manager;
  }

  /**
   * Runs `work` in one transaction: all of it is committed, or none.
   *
   * On PostgreSQL, transactions of several instances (or of one instance's parallel connections) can
   * race: two check-then-insert of the same key, or a deadlock. The loser is rolled back and `work`
   * runs again, now seeing the winner's committed rows, so `work` must only change the database (or
   * state it recomputes). SQLite needs none of this: its transactions never overlap.
   */
  async tx<T>(work: (manager: EntityManager) => Promise<T>, options: TxOptions = {}): Promise<T> {
    const full = options.survivePowerLoss ?? true;
    if (this.dialect === 'postgres') {
      const run = full
        ? work
        : async (manager: EntityManager) => {
            await manager.query('SET LOCAL synchronous_commit = off');
            return work(manager);
          };
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await this.postgresTransaction(run);
          options.onCommit?.();
          return result;
        } catch (error) {
          if (attempt >= MAX_TX_ATTEMPTS || !isLostRace(error)) throw error;
        }
      }
    }
    const result = await this.inTurn(options.urgent ?? false, () => this.source.transaction(work));
    options.onCommit?.();
    // The commit is written; on disk once the WAL is synced (off the event loop, shared by all waiting).
    if (full && this.wal) await this.wal.sync.sync();
    return result;
  }

  /**
   * One PostgreSQL transaction on a pooled connection. A connection whose statement failed on the client's
   * timeout, or whose ROLLBACK did not go through, is closed instead of going back to the pool: the server
   * may still hold its transaction open, and the next transaction on it would run inside that one (a
   * probe saw a push's retry find its own uncommitted insert there, answer "duplicate" and commit the
   * event without its job).
   */
  private async postgresTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.source.createQueryRunner();
    let broken: unknown = null;
    try {
      await runner.startTransaction();
      const result = await work(runner.manager);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (isDatabaseUnavailable(error)) broken = error;
      if (runner.isTransactionActive) {
        await runner.rollbackTransaction().catch((rollbackError: unknown) => {
          broken ??= rollbackError;
        });
      }
      throw error;
    } finally {
      if (broken === null) await runner.release();
      else await discardConnection(runner, broken);
    }
  }

  /**
   * SQLite only: runs `work` as one synchronous transaction on the raw better-sqlite3 connection, in
   * turn with every other transaction, then waits for the disk like `tx()`. For the ingest hot path,
   * where TypeORM's promise per statement costs more than the inserts themselves.
   */
  async sqliteTx<T>(work: (raw: BetterSqlite3.Database) => T, options: TxOptions = {}): Promise<T> {
    if (this.dialect !== 'sqlite') throw new Error('sqliteTx() is for SQLite; use tx()');
    const raw = (this.source.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
    const result = await this.inTurn(options.urgent ?? false, async () => raw.transaction(work)(raw));
    options.onCommit?.();
    if ((options.survivePowerLoss ?? true) && this.wal) await this.wal.sync.sync();
    return result;
  }

  /** SQLite: runs `task` when the connection is free, one at a time, urgent ones first in turns. */
  private inTurn<T>(urgent: boolean, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      (urgent ? this.waiting.urgent : this.waiting.background).push(() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            this.busy = false;
            this.startNext();
          });
      });
      this.startNext();
    });
  }

  private startNext(): void {
    if (this.busy) return;
    const { urgent, background } = this.waiting;
    const takeUrgent = urgent.length > 0 && (!this.lastWasUrgent || background.length === 0);
    const next = takeUrgent ? urgent.shift() : background.shift();
    if (!next) {
      this.drained?.();
      return;
    }
    this.busy = true;
    this.lastWasUrgent = takeUrgent;
    next();
  }

  /** True when a trivial query answers within `ms` (a hung database is not usable either). */
  async isUsable(ms = 2000): Promise<boolean> {
    return (await withinMs(this.source.query('SELECT 1').then(() => true), ms)) ?? false;
  }

  async close(): Promise<void> {
    if (this.busy) await new Promise<void>((resolve) => (this.drained = resolve));
    await this.wal?.sync.close();
    await this.wal?.checkpointer.close();
    if (this.source.isInitialized) await this.source.destroy();
  }
}

/**
 * Closes a query runner's PostgreSQL connection for good: handing pg-pool an error makes it destroy the client
 * rather than reuse it. TypeORM keeps that path private, hence the cast; without it, the connection is released.
 */
async function discardConnection(runner: QueryRunner, error: unknown): Promise<void> {
  const withDiscard = runner as unknown as { releasePostgresConnection?: (error: Error) => Promise<void> };
  if (typeof withDiscard.releasePostgresConnection === 'function') {
    await withDiscard.releasePostgresConnection(error instanceof Error ? error : new Error(String(error)));
  } else {
    await runner.release();
  }
}

/** Any number: the advisory lock that lets one instance at a time run the migrations. */
const MIGRATION_LOCK = 7_413_020_250;

/**
 * Runs the migrations. On PostgreSQL, instances starting together take turns under an advisory lock:
 * the first migrates, the others then find nothing left to do (without it all but one crashed on
 * "relation already exists").
 */
async function migrate(source: DataSource, kind: DatabaseConfig['kind']): Promise<void> {
  if (kind !== 'postgres') {
    await source.runMigrations({ transaction: 'each' });
    return;
  }
  const lock = source.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await source.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
  }
}

/**
 * Creates the SQLite file's folder, one level at a time, or says why it cannot. A recursive mkdir
 * (Node's, and TypeORM's through it) loops forever on a folder that cannot be made, such as a path
 * under /proc, and the server would hang at start.
 */
function ensureFolder(path: string): void {
  const folder = dirname(resolve(path));
  const missing: string[] = [];
  for (let at = folder; !existsSync(at); at = dirname(at)) missing.unshift(at);
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      if (code === 'EEXIST') continue;
      throw new Error(`cannot create the folder ${level} for the SQLite database (${code}); check DATABASE_URL`);
    }
  }
}

/** Opens the database and brings its schema up to date with the migrations (never `synchronize`). */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.kind === 'sqlite') ensureFolder(config.path);
  const common = { entities: ENTITIES, migrations, synchronize: false, logging: false } as const;
  const source =
    config.kind === 'postgres'
      ? new DataSource({
          ...common,
          type: 'postgres',
          url: config.url,
          // A PostgreSQL that stops answering (hung, partitioned) must fail requests, not hold them:
          // a connection is given 5 s, a query 30 s (retention's longest passes take far less).
          extra: { max: 20, connectionTimeoutMillis: 5000, query_timeout: config.queryTimeoutMs ?? 30_000, keepAlive: true },
        })
      : new DataSource({
          ...common,
          type: 'better-sqlite3',
          database: config.path,
          // How long a statement waits for another process's lock (the admin CLI's brief writes). The
          // driver waits synchronously, so everything waits with it: a lock held longer fails the request
          // with 503 (db/unavailable.ts) within about a second, instead of freezing the server for 10 s.
          timeout: 1000,
          // Prepared statements are kept by their SQL text; the hot paths use a few hundred texts
          // (multi-row inserts of every batch size), more than TypeORM's default of 100.
          statementCacheSize: 1000,
          prepareDatabase: (db: { pragma(sql: string): unknown }) => {
            db.pragma('journal_mode = WAL');
            // NORMAL: commits do not fsync on the event loop; Database.tx syncs the WAL off it for every
            // commit that must survive a power cut (see wal-sync.ts), which is what FULL would do.
            db.pragma('synchronous = NORMAL');
            // Checkpoints run in their own thread (checkpointer.ts); this one only past ~40 MB of WAL.
            db.pragma('wal_autocheckpoint = 10000');
            // Space freed by a delete or an update (retention erasing a code and a name) is zeroed, not
            // left readable in the file; FAST does it without extra writes.
            db.pragma('secure_delete = FAST');
          },
        });
  await source.initialize();
  try {
    await migrate(source, config.kind);
  } catch (error) {
    await source.destroy();
    throw error;
  }
  return new Database(
    source,
    config.kind,
    config.kind === 'sqlite' ? { sync: new WalSync(`${config.path}-wal`), checkpointer: new Checkpointer(config.path) } : null,
  );
}
