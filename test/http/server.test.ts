import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { expect } from 'chai';
import Koa from 'koa';
import { readRawBody } from '../../src/http/body';
import { jsonErrors } from '../../src/http/errors';
import { createHttpServer } from '../../src/http/server';
import { createLogger } from '../../src/logger';

/** Writes `text` on a fresh connection and resolves with everything the server sent back before closing. */
function exchange(port: number, text: string, timeoutMs = 5_000): Promise<{ raw: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let raw = '';
    socket.on('data', (chunk) => (raw += chunk));
    socket.on('close', () => resolve({ raw, ms: Date.now() - startedAt }));
    socket.on('error', reject);
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms; got ${JSON.stringify(raw)}`));
    });
  });
}

function parse(raw: string): { status: number; contentType: string | undefined; json: { error: { code: string; message: string } } } {
  const [head, body] = raw.split('\r\n\r\n');
  return {
    status: Number(head.split(' ')[1]),
    contentType: /content-type: ([^\r]+)/i.exec(head)?.[1],
    json: JSON.parse(body),
  };
}

describe('the HTTP server', () => {
  let server: Server;
  let port: number;
  before(async () => {
    const app = new Koa();
    app.use(jsonErrors(createLogger('silent')));
    app.use(async (ctx) => {
      ctx.body = { bytes: (await readRawBody(ctx)).length };
    });
    server = createHttpServer(app, 300);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers a client that stops sending its body with a JSON 408 once the request timeout has passed', async () => {
    const { raw, ms } = await exchange(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"id":');
    const reply = parse(raw);
    expect(reply.status).to.equal(408);
    expect(reply.contentType).to.match(/application\/json/);
    expect(reply.json.error.code).to.equal('request_timeout');
    expect(reply.json.error.message).to.match(/0\.3 s/);
    expect(ms).to.be.within(250, 2_000);
  });

  it('answers a request that is not HTTP with a JSON 400, and one with oversized headers with a JSON 431', async () => {
    const garbage = parse((await exchange(port, 'NOT HTTP AT ALL\r\n\r\n')).raw);
    expect(garbage.status).to.equal(400);
    expect(garbage.json.error.code).to.equal('bad_request');
    const huge = parse((await exchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).raw);
    expect(huge.status).to.equal(431);
    expect(huge.json.error.code).to.equal('headers_too_large');
  });

  it('still serves a complete request, through the app', async () => {
    const { raw } = await exchange(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
    expect(raw.split('\r\n')[0]).to.equal('HTTP/1.1 200 OK');
    expect(JSON.parse(raw.split('\r\n\r\n')[1])).to.deep.equal({ bytes: 5 });
  });
});
