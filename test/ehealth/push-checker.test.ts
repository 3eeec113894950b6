import { expect } from 'chai';
import type { Worker } from 'node:worker_threads';
import { checkPush } from '../../src/ehealth/push-check';
import { CHECK_BATCH, PushChecker } from '../../src/ehealth/push-checker';
import { signEhealthPayload } from '../../src/ehealth/signature';

const SECRET = 'push-checker-secret';

/** A mix of pushes: valid ones, and each way of being refused. */
function pushes(count: number): Array<{ header: string | undefined; raw: Buffer }> {
  const t = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, i) => {
    const body = JSON.stringify({
      id: `e-${i}`,
      type: i % 7 === 3 ? 'unknown' : 'verification',
      phone_number: `+38067${String(1_000_000 + i)}`,
      code: String(1000 + i),
      expires_at: '2030-01-01T00:00:00Z',
    });
    const raw = Buffer.from(i % 11 === 5 ? body.slice(0, 20) : body);
    const header = i % 13 === 4 ? undefined : signEhealthPayload(i % 17 === 6 ? 'wrong' : SECRET, raw, t);
    return { header, raw };
  });
}

const thread = (checker: PushChecker) => (checker as unknown as { thread: Worker | null }).thread;

describe('PushChecker', () => {
  let checker: PushChecker;
  afterEach(() => checker.close());

  it('answers on its thread, in order, exactly what checkPush answers on the event loop', async () => {
    checker = new PushChecker(SECRET);
    const input = pushes(200);
    const checks = await Promise.all(input.map(({ header, raw }) => checker.check(header, raw)));
    expect(checker.threadId).to.be.a('number').and.above(0);
    expect(checks).to.deep.equal(input.map(({ header, raw }) => checkPush(SECRET, header, raw)));
    const first = checks[0];
    expect(first.ok && first.event.expiresAt).to.be.instanceOf(Date);
    expect(new Set(checks.map((c) => (c.ok ? 'ok' : String(c.status))))).to.have.keys('ok', '400', '401', '422');
  });

  it('sends the thread a batch as soon as it holds CHECK_BATCH pushes, the rest at the end of the turn', async () => {
    checker = new PushChecker(SECRET);
    await checker.check(undefined, Buffer.from('{}'));
    const worker = thread(checker);
    if (!worker) throw new Error('no thread');
    const sizes: number[] = [];
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (message: { ends: number[] }, transfer?: never) => {
      sizes.push(message.ends.length);
      post(message, transfer);
    };
    const input = pushes(2 * CHECK_BATCH + 3);
    const pending = input.map(({ header, raw }) => checker.check(header, raw));
    // Still in the same turn: the two full batches are already on their way, the last 3 wait.
    expect(sizes).to.deep.equal([CHECK_BATCH, CHECK_BATCH]);
    expect(await Promise.all(pending)).to.deep.equal(input.map(({ header, raw }) => checkPush(SECRET, header, raw)));
    expect(sizes).to.deep.equal([CHECK_BATCH, CHECK_BATCH, 3]);
  });

  it('still answers every push when its thread dies, then starts a new one', async () => {
    checker = new PushChecker(SECRET);
    await checker.check(undefined, Buffer.from('{}'));
    const input = pushes(50);
    const pending = input.map(({ header, raw }) => checker.check(header, raw));
    await thread(checker)?.terminate();
    expect(await Promise.all(pending)).to.deep.equal(input.map(({ header, raw }) => checkPush(SECRET, header, raw)));
    const again = pushes(3);
    await Promise.all(again.map(({ header, raw }) => checker.check(header, raw)));
    expect(checker.threadId).to.be.a('number');
  });

  it('checks on the event loop once the thread has died three times', async () => {
    checker = new PushChecker(SECRET);
    for (let death = 0; death < 3; death++) {
      await checker.check(undefined, Buffer.from('{}'));
      await thread(checker)?.terminate();
    }
    const input = pushes(20);
    const checks = await Promise.all(input.map(({ header, raw }) => checker.check(header, raw)));
    expect(checker.threadId).to.equal(null);
    expect(checks).to.deep.equal(input.map(({ header, raw }) => checkPush(SECRET, header, raw)));
  });

  it('answers pushes it still holds when it is closed', async () => {
    checker = new PushChecker(SECRET);
    await checker.check(undefined, Buffer.from('{}'));
    const input = pushes(30);
    const pending = input.map(({ header, raw }) => checker.check(header, raw));
    await checker.close();
    expect(await Promise.all(pending)).to.have.length(30);
    expect(checker.threadId).to.equal(null);
  });
});
