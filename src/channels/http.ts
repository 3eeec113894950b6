import { request } from 'undici';

/** Timeouts for calls to providers: a code is waiting, so a stuck provider must not hold it long. */
export const PROVIDER_TIMEOUT_MS = 10_000;

export interface HttpReply {
  status: number;
  body: string;
}

/** POSTs and reads the whole reply; throws only on transport failure (refused, reset, timed out). */
export async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs = PROVIDER_TIMEOUT_MS,
): Promise<HttpReply> {
  const reply = await request(url, {
    method: 'POST',
    body,
    headers,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs + 1000),
  });
  return { status: reply.statusCode, body: await reply.body.text() };
}

/** GETs and reads the whole reply; throws only on transport failure. */
export async function get(url: string, headers: Record<string, string>, timeoutMs = PROVIDER_TIMEOUT_MS): Promise<HttpReply> {
  const reply = await request(url, { method: 'GET', headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs + 1000) });
  return { status: reply.statusCode, body: await reply.body.text() };
}

/** A transport failure in words for the attempt timeline. */
export function describeTransportError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
