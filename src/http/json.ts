import { isUtf8 } from 'node:buffer';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export type JsonDecoding = { ok: true; value: unknown } | { ok: false; problem: string };

/**
 * Decodes a JSON body. JSON is UTF-8 (RFC 8259): other bytes are refused rather than turned into
 * U+FFFD in a name the patient then reads; a leading byte order mark is ignored. Plain Node, no
 * Koa: the push checks run it on a thread of their own.
 */
export function decodeJson(raw: Buffer, parse: (text: string) => unknown = JSON.parse): JsonDecoding {
  const text = raw.subarray(0, 3).equals(BOM) ? raw.subarray(3) : raw;
  if (!isUtf8(text)) return { ok: false, problem: 'The body is not valid UTF-8, as JSON must be.' };
  try {
    return { ok: true, value: parse(text.toString('utf8')) };
  } catch {
    return { ok: false, problem: 'The body is not valid JSON.' };
  }
}
