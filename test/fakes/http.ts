import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tiny HTTP server on loopback for the fake providers. */
export class LoopbackServer {
  private server: Server | null = null;
  private readonly sockets = new Set<import('node:net').Socket>();
  origin = '';

  constructor(private readonly handler: (req: IncomingMessage, body: string, res: ServerResponse) => void | Promise<void>) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        Promise.resolve(this.handler(req, Buffer.concat(chunks).toString('utf8'), res)).catch((error) => {
          res.statusCode = 500;
          res.end(String(error));
        });
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    this.server = null;
  }
}

/**
 * A fake provider on loopback: `start()`, `stop()` and the base URL. A response the fake never answers
 * (to play a provider that hangs) needs no bookkeeping: `stop()` destroys every open socket.
 */
export abstract class FakeService {
  protected readonly server = new LoopbackServer((req, body, res) => this.handle(req, body, res));

  protected abstract handle(req: IncomingMessage, body: string, res: ServerResponse): void;

  /** The server's origin, `http://127.0.0.1:<port>`. */
  get url(): string {
    return this.server.origin;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

export function sendJson(res: ServerResponse, status: number, body: string | object): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}

/** Resolves when `predicate` holds, polling; rejects with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
