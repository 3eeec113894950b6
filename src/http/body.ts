import { isUtf8 } from 'node:buffer';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { HttpError } from './errors';

/** Pushes and callbacks are small; anything bigger is refused before it is read. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads the raw request body (signatures are computed over the exact bytes), refusing more than
 * `limit` bytes with a 413 (a client that stops sending gets a 408 from the server: http/server.ts).
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

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Parses JSON or answers 400 saying so. JSON is UTF-8 (RFC 8259): other bytes are refused rather
 * than turned into U+FFFD in a name the patient then reads; a leading byte order mark is ignored.
 */
export function parseJson(raw: Buffer, parse: (text: string) => unknown = JSON.parse): unknown {
  const text = raw.subarray(0, 3).equals(BOM) ? raw.subarray(3) : raw;
  if (!isUtf8(text)) throw new HttpError(400, 'invalid_json', 'The body is not valid UTF-8, as JSON must be.');
  try {
    return parse(text.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON.');
  }
}
