import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../../src/db/unavailable';
import { EventIngestor } from '../../src/delivery/ingest';
import { type IncomingEvent, parseEvent } from '../../src/ehealth/event';
import { openDatabase, type Database } from '../../src/db/database';
import { migrations } from '../../src/db/migrations';
import { freshPostgresDatabase, onPostgres, TEST_POSTGRES_URL, type TestDatabase } from '../helpers/databases';

describe('the database on PostgreSQL', function () {
  this.timeout(60_000);
  let fresh: TestDatabase;
  const opened: Database[] = [];
  before(async function () {
    if (!onPostgres) this.skip();
    fresh = await freshPostgresDatabase(TEST_POSTGRES_URL as string);
  });
  after(async () => {
    await Promise.all(opened.map((db) => db.close()));
    await fresh?.drop();
  });

  it('lets three instances start at the same moment on an empty database: one migrates, all come up', async () => {
    const results = await Promise.allSettled([1, 2, 3].map(() => openDatabase({ kind: 'postgres', url: fresh.url })));
    for (const result of results) if (result.status === 'fulfilled') opened.push(result.value);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).to.deep.equal(['ok', 'ok', 'ok']);
    const applied = await opened[0].source.query('SELECT name FROM migrations');
    expect(applied).to.have.length(migrations.length);
  });

  it('is not usable when it does not answer in time, and says so within that time', async () => {
    const db = opened[0];
    // Every connection of the pool busy: a health query has to wait, as on a hung server.
    const busy = Array.from({ length: 20 }, () => db.source.query('SELECT pg_sleep(3)'));
    const startedAt = Date.now();
    expect(await db.isUsable(300)).to.equal(false);
    expect(Date.now() - startedAt).to.be.below(1500);
    await Promise.all(busy);
    expect(await db.isUsable(300)).to.equal(true);
  });

  it('never reuses a connection whose transaction timed out: a push retried after a lock is stored whole', async () => {
    const db = await openDatabase({ kind: 'postgres', url: fresh.url, queryTimeoutMs: 400 });
    opened.push(db);
    // Another session holds a lock the inserts wait on, longer than the query timeout: the INSERT and then the
    // ROLLBACK time out on the client while the server still runs them.
    const locker = new Client({ connectionString: fresh.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE events IN SHARE MODE');
    const ingestor = new EventIngestor(db, () => undefined);
    const event = eventOf('lock-timeout-1');
    const first = await ingestor.submit(event, 'fingerprint-1').then(() => 'stored', (error: unknown) => (isDatabaseUnavailable(error) ? 'unavailable' : String(error)));
    expect(first).to.equal('unavailable');
    await locker.query('COMMIT');
    await locker.end();
    // eHealth retries the push: it is stored now, as new, with its job.
    for (let i = 0; i < 20; i++) {
      const outcome = await ingestor.submit(eventOf(`lock-timeout-probe-${i}`), `fingerprint-probe-${i}`).catch(() => null);
      expect(outcome?.kind ?? 'accepted').to.equal('accepted');
    }
    const again = await ingestor.submit(event, 'fingerprint-1');
    expect(again.kind).to.equal('accepted');
    const jobs = await db.source.query('SELECT id FROM jobs WHERE id = $1', ['lock-timeout-1']);
    expect(jobs).to.have.length(1);
  });
});

/** A valid event for `id`, as the push checks parse it. */
function eventOf(id: string): IncomingEvent {
  const parsed = parseEvent({ id, type: 'verification', phone_number: '+380671234567', third_person: false, code: '1234', expires_at: new Date(Date.now() + 3600_000).toISOString() });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.fields));
  return parsed.event;
}

describe('the database on SQLite', () => {
  it('creates the folders of a new path, and refuses a folder that cannot be made instead of hanging', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vistka-folders-'));
    try {
      const db = await openDatabase({ kind: 'sqlite', path: join(root, 'a', 'b', 'vistka.sqlite') });
      await db.close();
      expect(existsSync(join(root, 'a', 'b', 'vistka.sqlite'))).to.equal(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    const started = Date.now();
    const refused = await openDatabase({ kind: 'sqlite', path: '/proc/vistka-nope/x.sqlite' }).catch((error: Error) => error);
    expect(String(refused)).to.contain('cannot create the folder /proc/vistka-nope').and.contain('DATABASE_URL');
    expect(Date.now() - started).to.be.below(2000);
  });

  it('erases the retry fingerprint of events erased before retention did so itself', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vistka-upgrade-'));
    const path = join(root, 'vistka.sqlite');
    try {
      // A database as the release before this migration left it: erased events still hold their hash.
      const before = new DataSource({ type: 'better-sqlite3', database: path, migrations: migrations.slice(0, migrations.findIndex((m) => m.name.startsWith('EraseFingerprints'))) });
      await before.initialize();
      await before.runMigrations();
      const columns = 'id, type, phone, third_person, fingerprint, status, round, created_at, updated_at, erased_at';
      await before.query(`INSERT INTO events (${columns}) VALUES ('old-erased', 'verification', '+380671112233', 0, 'abc123', 'sent', 0, 1, 1, 5)`);
      await before.query(`INSERT INTO events (${columns}) VALUES ('old-kept', 'verification', '+380671112233', 0, 'def456', 'sent', 0, 1, 1, NULL)`);
      await before.destroy();

      const db = await openDatabase({ kind: 'sqlite', path });
      const rows = await db.source.query('SELECT id, fingerprint FROM events ORDER BY id');
      await db.close();
      expect(rows).to.deep.equal([
        { id: 'old-erased', fingerprint: 'erased' },
        { id: 'old-kept', fingerprint: 'def456' },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
