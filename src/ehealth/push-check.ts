import { decodeJson } from '../http/json';
import { type FieldProblem, type IncomingEvent, eventFingerprint, parseEvent } from './event';
import { verifyEhealthSignature } from './signature';

/** What the checks of one push concluded: the event to store, or why it is refused (an HTTP status). */
export type PushCheck =
  | { ok: true; event: IncomingEvent; fingerprint: string }
  | { ok: false; status: 400 | 401 | 422; code: string; message: string; fields?: FieldProblem[] };

/**
 * Every check a push must pass before it is stored, in order: the signature over the exact bytes,
 * then JSON, then the event's fields (normalised), and the fingerprint that recognises a retry.
 * Pure and synchronous, so that it can run on a thread of its own (push-checker.ts).
 */
export function checkPush(secret: string, header: string | undefined, raw: Buffer, now: number = Date.now()): PushCheck {
  const signature = verifyEhealthSignature(secret, header, raw, now);
  if (!signature.ok) return { ok: false, status: 401, code: 'invalid_signature', message: signature.reason };
  const body = decodeJson(raw);
  if (!body.ok) return { ok: false, status: 400, code: 'invalid_json', message: body.problem };
  const parsed = parseEvent(body.value);
  if (!parsed.ok) {
    return { ok: false, status: 422, code: 'invalid_event', message: `The event has ${parsed.fields.length} invalid field(s).`, fields: parsed.fields };
  }
  return { ok: true, event: parsed.event, fingerprint: eventFingerprint(parsed.event) };
}
