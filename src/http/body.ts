import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { HttpError } from './errors';
import { decodeJson } from './json';

/** Pushes and callbacks are small; anything bigger is refused before it is read. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads the raw request body (signatures are computed over the exact bytes), refusing more than
 * `limit` bytes with a 413 (a client that stops sending gets a 408 from the server: http/server.ts).
 */
export async function readRawBody(ctx: Context, limit = MAX_BODY_BYTES): Promise<Buffer> {
  // Signatures cover the bytes as sent; a compressed body would be checked, and read, as something else.
  const encoding = (ctx.get('content-encoding') || 'identity').trim().toLowerCase();
  if (encoding !== 'identity') {
    throw new HttpError(415, 'unsupported_encoding', `Content-Encoding ${encoding} is not accepted: send the body uncompressed.`, undefined, {
      connection: 'close',
    });
  }
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

/** Parses JSON (see decodeJson) or answers 400 saying what is wrong with it. */
export function parseJson(raw: Buffer, parse: (text: string) => unknown = JSON.parse): unknown {
  const decoded = decodeJson(raw, parse);
  if (!decoded.ok) throw new HttpError(400, 'invalid_json', decoded.problem);
  return decoded.value;
}
