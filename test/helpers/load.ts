import { Agent, request } from 'undici';
import { signEhealthPayload } from '../../src/ehealth/signature';
import { SECRET } from './harness';

/** What became of one push: its HTTP status, or the transport error (the server died under it). */
export interface PushResult {
  /** The push's position in `bodies` (results come in the order of their answers). */
  index: number;
  body: Record<string, unknown>;
  status: number | 'error';
  error?: string;
  /** The error code of a 4xx/5xx JSON answer. */
  code?: string;
}

export interface PushLoad {
  /** Where push number `index` goes (several instances: alternate). */
  target(index: number): string;
  bodies: Array<Record<string, unknown>>;
  concurrency: number;
  /** Called after each answer, with every result so far; may kill a server. */
  onResult?(result: PushResult, results: PushResult[]): void;
  /** A lane stops after a 503, as eHealth would turn to another instance. */
  stopOnRefusal?: boolean;
}

/** Sends signed pushes, `concurrency` at a time over keep-alive connections, and returns every outcome. */
export async function pushAll(load: PushLoad): Promise<PushResult[]> {
  const agent = new Agent({ connections: load.concurrency, keepAliveTimeout: 30_000 });
  const results: PushResult[] = [];
  let next = 0;
  async function lane(): Promise<void> {
    while (next < load.bodies.length) {
      const index = next++;
      const body = load.bodies[index];
      const text = JSON.stringify(body);
      let result: PushResult;
      try {
        const reply = await request(`${load.target(index)}/ehealth/events`, {
          method: 'POST',
          body: text,
          dispatcher: agent,
          headers: { 'content-type': 'application/json', 'x-ehealth-signature': signEhealthPayload(SECRET, text, Math.floor(Date.now() / 1000)) },
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        });
        const answer = (await reply.body.json().catch(() => null)) as { error?: { code?: string } } | null;
        result = { index, body, status: reply.statusCode, code: answer?.error?.code };
      } catch (error) {
        result = { index, body, status: 'error', error: (error as Error).message };
      }
      results.push(result);
      load.onResult?.(result, results);
      if (load.stopOnRefusal && result.status === 503) return;
    }
  }
  await Promise.all(Array.from({ length: load.concurrency }, lane));
  await agent.close().catch(() => undefined);
  return results;
}
