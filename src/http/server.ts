import { type Server, createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import { errorBody } from './errors';

/** How long a client may take to send a whole request (headers and body) unless told otherwise. */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The HTTP server around the Koa app. A client that stops sending halfway gets a 408 within
 * `requestTimeoutMs` (Node checks only every 30 s by default, and its own 408 has no body); what
 * Node's parser refuses before Koa sees it gets the same JSON errors as the app.
 */
export function createHttpServer(app: Koa, requestTimeoutMs = REQUEST_TIMEOUT_MS): Server {
  const server = createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, requestTimeoutMs),
    },
    app.callback(),
  );
  // Longer than the idle timeout of common proxies (60 s), so that they close idle connections first.
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket, requestTimeoutMs));
  return server;
}

function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, requestTimeoutMs: number): void {
  // Nothing to answer on a connection that is gone or already carries a response (the same check as
  // Node's own default handler, which is where `_httpMessage` comes from).
  const response = (socket as Duplex & { _httpMessage?: { headersSent: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || response?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'request_timeout', `The request was not received in full within ${requestTimeoutMs / 1000} s; send it again.`]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'headers_too_large', 'The request headers are too large.']
        : [400, 'Bad Request', 'bad_request', 'The request is not valid HTTP/1.1.'];
  const body = JSON.stringify(errorBody(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
