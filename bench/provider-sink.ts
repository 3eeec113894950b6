/**
 * Providers that answer at once, for the benches: TurboSMS's `POST /message/send.json` and the
 * Viber API's `POST /pa/send_message`. Unlike the test fakes it keeps nothing but counts, and it can
 * report each Viber send (for the end-to-end latency) and play Viber's `delivered` callback.
 * Run as its own process (`node dist/bench/provider-sink.js`) or in-process through `startSink`.
 */
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';

export const SINK_VIBER_TOKEN = 'bench-viber-token';

export interface SinkOptions {
  /** Called with the receiver and the wall-clock time (ms, sub-ms precision) of each Viber send. */
  onViberSend?: (receiver: string, at: number) => void;
  /** How long after a Viber send its `delivered` callback follows (once `setWebhook` named where). */
  deliveredAfterMs?: number;
}

export interface Sink {
  url: string;
  counts: { sms: number; viber: number };
  /** From now on, post a signed `delivered` callback to `url` for each Viber send. */
  setWebhook(url: string): void;
  close(): Promise<void>;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
export const wallMs = () => performance.timeOrigin + performance.now();

export async function startSink(options: SinkOptions = {}): Promise<Sink> {
  const counts = { sms: 0, viber: 0 };
  let token = 6_000_000_000_000_000_001n;
  const agent = new Agent({ connections: 16 });
  let webhookUrl: string | null = null;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = wallMs();
      const url = req.url ?? '';
      if (url.endsWith('/message/send.json')) {
        counts.sms += 1;
        const id = `sink-${counts.sms}`;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"response_code":800,"response_status":"SUCCESS_MESSAGE_ACCEPTED","response_result":[{"response_code":0,"message_id":"${id}","response_status":"OK"}]}`);
        return;
      }
      if (url.endsWith('/message/status.json')) {
        // Every SMS the sink accepted is delivered.
        const ids = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages?: string[] }).messages ?? [];
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ response_code: 0, response_status: 'OK', response_result: ids.map((id) => ({ message_id: id, response_code: 0, status: 'Delivered' })) }));
        return;
      }
      if (url.endsWith('/send_message')) {
        counts.viber += 1;
        const receiver = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { receiver?: string }).receiver);
        options.onViberSend?.(receiver, at);
        const messageToken = (token += 7919n).toString();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"status":0,"status_message":"ok","message_token":${messageToken},"chat_hostname":"SN-CHAT-01_","billing_status":1}`);
        if (webhookUrl) {
          const target = webhookUrl;
          setTimeout(() => void delivered(target, messageToken, receiver), options.deliveredAfterMs ?? 50);
        }
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":0,"status_message":"ok"}');
    });
  });
  async function delivered(webhookUrl: string, messageToken: string, userId: string): Promise<void> {
    const body = `{"event":"delivered","timestamp":${Date.now()},"chat_hostname":"SN-CHAT-01_","message_token":${messageToken},"user_id":${JSON.stringify(userId)}}`;
    const signature = createHmac('sha256', SINK_VIBER_TOKEN).update(body).digest('hex');
    try {
      const reply = await request(webhookUrl, {
        method: 'POST',
        body,
        dispatcher: agent,
        headers: { 'content-type': 'application/json', 'x-viber-content-signature': signature },
      });
      await reply.body.dump();
    } catch {
      // The server is shutting down at the end of a run.
    }
  }
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    setWebhook(url) {
      webhookUrl = url;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await agent.close();
    },
  };
}

if (require.main === module) {
  void startSink().then((sink) => {
    console.log(JSON.stringify({ url: sink.url }));
    process.on('SIGTERM', () => void sink.close().then(() => process.exit(0)));
  });
}
