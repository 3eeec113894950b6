/**
 * (c) End to end: from a push leaving eHealth to the Viber API receiving the message, at a steady
 * 200 events/s (the clinic-hours peak of the reference, section 3.1), with Viber's `delivered`
 * callback coming back for each, so the webhook load is real too. Target p99 <= 50 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { scrape } from './lib/scrape';
import { openDatabase } from '../src/db/database';
import { ViberSubscriber } from '../src/entities/ViberSubscriber';
import { startSink, wallMs } from './provider-sink';
import { phoneFor, pushBody, signature } from './lib/pushes';
import { fmt, percentile } from './lib/stats';
import { startVistka, viberAt } from './lib/vistka';

export interface EndToEndFigures {
  rate: number;
  seconds: number;
  sent: number;
  reached: number;
  accepted: number;
  pushP50: number;
  pushP99: number;
  viberP50: number;
  viberP99: number;
  viberMax: number;
  /** The server's own event-loop delay, p99 (prom-client samples it every 10 ms). */
  eventLoopP99: number;
}

const FIRST_PHONE = 3_000_000;

export async function benchEndToEnd(options: { rate: number; seconds: number }): Promise<EndToEndFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'vistka-bench-e2e-'));
  const path = join(dir, 'e2e.sqlite');
  const total = options.rate * options.seconds;
  const warmup = options.rate * 2;
  await seedSubscribers(path, total + warmup);

  /** When each push left, by its Viber receiver; `measured` is false during the warm-up. */
  const pushedAt = new Map<string, { at: number; measured: boolean }>();
  const latencies: number[] = [];
  const sink = await startSink({
    onViberSend(receiver, at) {
      const push = pushedAt.get(receiver);
      if (!push) return;
      pushedAt.delete(receiver);
      if (push.measured) latencies.push(at - push.at);
    },
  });
  const vistka = await startVistka(`sqlite:${path}`, sink.url, viberAt(sink.url));
  sink.setWebhook(`${vistka.url}/viber/webhook`);
  const agent = new Agent({ connections: 32, keepAliveTimeout: 60_000 });
  const pushLatencies: number[] = [];
  let accepted = 0;
  let eventLoopP99 = NaN;
  try {
    await paced(vistka.url, agent, options.rate, warmup, 0, false, pushedAt, () => undefined);
    await paced(vistka.url, agent, options.rate, total, warmup, true, pushedAt, (ms, status) => {
      pushLatencies.push(ms);
      if (status === 202) accepted += 1;
    });
    // The last sends of the run, still under way.
    const deadline = Date.now() + 5000;
    while (latencies.length < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const samples = await scrape(vistka.url);
    eventLoopP99 = (samples.get('nodejs_eventloop_lag_p99_seconds') ?? NaN) * 1000;
  } finally {
    await agent.close();
    await vistka.stop();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    rate: options.rate,
    seconds: options.seconds,
    sent: total,
    reached: latencies.length,
    accepted,
    pushP50: percentile(pushLatencies, 50),
    pushP99: percentile(pushLatencies, 99),
    viberP50: percentile(latencies, 50),
    viberP99: percentile(latencies, 99),
    viberMax: Math.max(...latencies),
    eventLoopP99,
  };
}

/** Verified Viber subscribers, one per phone the run will push to, written before the server starts. */
async function seedSubscribers(path: string, count: number): Promise<void> {
  const db = await openDatabase({ kind: 'sqlite', path });
  const now = Date.now();
  await db.tx(async (manager) => {
    for (let start = 0; start < count; start += 500) {
      const rows = [];
      for (let i = start; i < Math.min(count, start + 500); i++) {
        rows.push({
          viberId: receiverFor(i),
          name: 'Bench',
          language: 'uk',
          apiVersion: 10,
          phone: phoneFor(FIRST_PHONE + i),
          verifiedAt: now,
          active: true,
          optedOut: false,
          createdAt: now,
          updatedAt: now,
        });
      }
      await manager.createQueryBuilder().insert().into(ViberSubscriber).values(rows).updateEntity(false).execute();
    }
  });
  await db.close();
}

function receiverFor(i: number): string {
  return `bench-user-${i}`;
}

/**
 * Sends `count` pushes at `rate` per second on a fixed schedule (not one after another: a slow
 * answer does not delay the next push, as eHealth would not wait either).
 */
async function paced(
  url: string,
  agent: Agent,
  rate: number,
  count: number,
  offset: number,
  measured: boolean,
  pushedAt: Map<string, { at: number; measured: boolean }>,
  onAnswer: (ms: number, status: number) => void,
): Promise<void> {
  const interval = 1000 / rate;
  const start = wallMs();
  const inFlight: Array<Promise<void>> = [];
  for (let n = 0; n < count; n++) {
    const due = start + n * interval;
    const wait = due - wallMs();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const i = offset + n;
    const body = pushBody(`e2e-${i}`, FIRST_PHONE + i);
    const at = wallMs();
    pushedAt.set(receiverFor(i), { at, measured });
    inFlight.push(
      request(`${url}/ehealth/events`, {
        method: 'POST',
        body,
        dispatcher: agent,
        headers: { 'content-type': 'application/json', 'x-ehealth-signature': signature(body) },
      }).then(async (reply) => {
        await reply.body.dump();
        onAnswer(wallMs() - at, reply.statusCode);
      }),
    );
  }
  await Promise.all(inFlight);
}

export function printEndToEnd(f: EndToEndFigures): void {
  console.log(`\n## (c) End to end: push -> Viber API call, ${f.rate} events/s for ${f.seconds} s (SQLite, delivered callbacks on)`);
  console.log(`pushes ${f.sent}, answered 202: ${f.accepted}, reached the Viber API: ${f.reached}`);
  console.log(`push answered (202)       p50 ${fmt.ms(f.pushP50)}   p99 ${fmt.ms(f.pushP99)}`);
  console.log(
    `push -> Viber send_message p50 ${fmt.ms(f.viberP50)}   p99 ${fmt.ms(f.viberP99)}   max ${fmt.ms(f.viberMax)}` +
      `   (target p99 <= 50 ms: ${f.viberP99 <= 50 && f.reached === f.sent ? 'met' : 'MISSED'})`,
  );
  console.log(`server event-loop delay p99 ${fmt.ms(f.eventLoopP99)} (sampled every 10 ms: ~10 ms means idle)`);
}
