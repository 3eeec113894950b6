import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Database, openDatabase } from '../../src/db/database';
import { JobQueue, LeaseLost, putJob } from '../../src/delivery/jobs';
import { Job } from '../../src/entities/Job';
import { freshDatabase, type TestDatabase } from '../helpers/databases';

/** The outbox's leases, on the suite's database (SQLite, or PostgreSQL with TEST_DATABASE_URL). */
describe('the job queue', () => {
  let dir: string;
  let test: TestDatabase;
  let db: Database;
  const T0 = 1_800_000_000_000;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vistka-jobs-'));
    test = await freshDatabase(dir);
    db = await openDatabase(test.url.startsWith('postgres') ? { kind: 'postgres', url: test.url } : { kind: 'sqlite', path: test.url.slice('sqlite:'.length) });
  });
  after(async () => {
    await db.close();
    await test.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => db.tx((manager) => manager.clear(Job)));

  async function addJobs(count: number, dueAt = T0): Promise<string[]> {
    const ids = Array.from({ length: count }, (_, i) => `job-${String(i).padStart(4, '0')}`);
    await db.tx(async (manager) => {
      for (const id of ids) await putJob(manager, { id, round: 0, step: 'dispatch', dueAt }, T0);
    });
    return ids;
  }

  it('gives each due job to exactly one of several workers claiming at once', async () => {
    const ids = await addJobs(120);
    const queues = [0, 1, 2, 3].map((n) => new JobQueue(db, `worker-${n}`, 60_000));
    const rounds = await Promise.all(queues.flatMap((queue) => [queue.claim(20, T0), queue.claim(20, T0)]));
    const again = await Promise.all(queues.map((queue) => queue.claim(50, T0)));
    const claimed = [...rounds, ...again].flat().map((job) => job.id);
    expect(claimed).to.have.length(120);
    expect(new Set(claimed).size).to.equal(120);
    expect([...claimed].sort()).to.deep.equal(ids);
  });

  it('claims only due jobs, oldest first', async () => {
    await db.tx(async (manager) => {
      await putJob(manager, { id: 'later', round: 0, step: 'sms', dueAt: T0 + 5000 }, T0);
      await putJob(manager, { id: 'second', round: 0, step: 'sms', dueAt: T0 - 10 }, T0);
      await putJob(manager, { id: 'first', round: 0, step: 'sms', dueAt: T0 - 20 }, T0);
    });
    const queue = new JobQueue(db, 'w', 60_000);
    expect((await queue.claim(1, T0)).map((job) => job.id)).to.deep.equal(['first']);
    expect((await queue.claim(10, T0)).map((job) => job.id)).to.deep.equal(['second']);
    expect(await queue.nextDueAt()).to.equal(T0 + 5000);
  });

  it('hands a dead worker\'s job to another once its lease has run out, and refuses the dead one\'s late writes', async () => {
    await addJobs(1);
    const dead = new JobQueue(db, 'dead', 1000);
    const alive = new JobQueue(db, 'alive', 1000);
    expect(await dead.claim(10, T0)).to.have.length(1);
    expect(await alive.claim(10, T0 + 999)).to.have.length(0);
    const [taken] = await alive.claim(10, T0 + 1001);
    expect(taken.id).to.equal('job-0000');
    let lost: unknown;
    await db.tx((manager) => dead.finish(manager, 'job-0000')).catch((error) => (lost = error));
    expect(lost).to.be.instanceOf(LeaseLost);
    await db.tx((manager) => alive.finish(manager, 'job-0000'));
    expect(await db.manager.count(Job)).to.equal(0);
  });

  it('keeps a job whose worker renews the lease while the step runs', async () => {
    await addJobs(1);
    const slow = new JobQueue(db, 'slow', 1000);
    const other = new JobQueue(db, 'other', 1000);
    await slow.claim(1, T0);
    await slow.renew(['job-0000'], T0 + 800);
    expect(await other.claim(1, T0 + 1500)).to.have.length(0);
    expect(await other.claim(1, T0 + 1801)).to.have.length(1);
  });

  it('releases only its own jobs at shutdown', async () => {
    await addJobs(4);
    const leaving = new JobQueue(db, 'leaving', 60_000);
    const staying = new JobQueue(db, 'staying', 60_000);
    await leaving.claim(2, T0);
    await staying.claim(2, T0);
    await leaving.releaseMine();
    const rows = await db.manager.find(Job, { order: { id: 'ASC' } });
    expect(rows.map((row) => row.lockedBy)).to.deep.equal([null, null, 'staying', 'staying']);
    expect((await new JobQueue(db, 'next', 60_000).claim(10, T0)).map((job) => job.id)).to.deep.equal(['job-0000', 'job-0001']);
  });

  it('reports the outbox by step and the age of its oldest due job', async () => {
    await addJobs(3, T0 - 4000);
    await db.tx((manager) => putJob(manager, { id: 'wait', round: 0, step: 'viber_wait', dueAt: T0 + 60_000 }, T0));
    const stats = await new JobQueue(db, 'w').stats(T0);
    expect(stats).to.deep.equal({ total: 4, dueByStep: { dispatch: 3 }, oldestDueAt: T0 - 4000 });
  });
});
