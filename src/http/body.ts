import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { HttpError } from './errors';

/** Pushes and callbacks are small; anything bigger is refused before it is read. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads the raw request body (signatures are computed over the exact bytes), refusing more than
 * `limit` bytes with a 413 and a client that stops sending with a 408.
 */
export async function readRawBody(ctx: Context, limit = MAX_BODY_BYTES): Promise<Buffer> {
  try {
    return await getRawBody(ctx.req, { limit, length: ctx.get('content-length') || undefined });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      throw new HttpError(413, 'payload_too_large', `The body is larger than ${limit / 1024} KiB.`);
    }
    if (type === 'request.aborted') throw new HttpError(400, 'request_aborted', 'The client stopped sending the body.');
    if (type === 'request.size.invalid') throw new HttpError(400, 'bad_length', 'The body does not match Content-Length.');
    throw new HttpError(400, 'unreadable_body', 'The body could not be read.');
  }
}

/** Parses JSON or answers 400 saying so. */
export function parseJson(raw: Buffer, parse: (text: string) => unknown = JSON.parse): unknown {
  try {
    return parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON.');
  }
}
