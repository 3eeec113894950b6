import { createHash } from 'node:crypto';
import {
  CONFIRMATION_CODE,
  PRESCRIPTION_NUMBER,
  REFERRAL_NUMBER,
  normalizeDocumentNumber,
  normalizePhone,
} from './formats';

/** The kinds of message eHealth hands over; anything else is refused. */
export const EVENT_TYPES = [
  'verification',
  'medication_request',
  'medication_request_rejected',
  'service_request',
  'service_request_cancelled',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const DETAIL_FIELDS = ['medication', 'dosage', 'program', 'service', 'doctor', 'legal_entity'] as const;
export type EventDetails = Partial<Record<(typeof DETAIL_FIELDS)[number], string>>;

/** A push from eHealth after validation and normalisation: phones in E.164, numbers in Latin capitals. */
export interface IncomingEvent {
  id: string;
  type: EventType;
  phone: string | null;
  thirdPerson: boolean;
  patientId: string | null;
  patientName: string | null;
  number: string | null;
  code: string | null;
  expiresAt: Date | null;
  details: EventDetails;
}

export interface FieldProblem {
  field: string;
  problem: string;
}

export type ParseResult = { ok: true; event: IncomingEvent } | { ok: false; fields: FieldProblem[] };

const ID = /^[A-Za-z0-9._:-]{1,128}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export function isPrescriptionType(type: EventType): boolean {
  return type === 'medication_request' || type === 'medication_request_rejected';
}

export function isReferralType(type: EventType): boolean {
  return type === 'service_request' || type === 'service_request_cancelled';
}

/** Whether the type carries a confirmation code that must reach the patient. */
export function requiresCode(type: EventType): boolean {
  return type === 'verification';
}

/**
 * Validates a push body and normalises it. Every bad field is reported, not just the first;
 * unknown fields are ignored.
 */
export function parseEvent(body: unknown): ParseResult {
  const problems: FieldProblem[] = [];
  const problem = (field: string, text: string) => problems.push({ field, problem: text });

  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, fields: [{ field: 'body', problem: 'must be a JSON object' }] };
  }
  const input = body as Record<string, unknown>;

  const id = input.id;
  if (id === undefined || id === null || id === '') problem('id', 'is required');
  else if (typeof id !== 'string' || !ID.test(id)) problem('id', 'must be 1–128 characters of A-Z a-z 0-9 . _ : -');
  // URLs collapse these path segments: GET /ehealth/events/.. could never find the event.
  else if (id === '.' || id === '..') problem('id', 'must not be "." or "..": the event could not be looked up by URL');

  const type = input.type;
  const knownType = typeof type === 'string' && (EVENT_TYPES as readonly string[]).includes(type);
  if (type === undefined || type === null) problem('type', `is required: one of ${EVENT_TYPES.join(', ')}`);
  else if (!knownType) problem('type', `is unknown: expected one of ${EVENT_TYPES.join(', ')}`);

  let phone: string | null = null;
  if (!('phone_number' in input)) {
    problem('phone_number', 'is required: a phone number, or null when the recipient has no phone');
  } else if (input.phone_number !== null) {
    const normalized = typeof input.phone_number === 'string' ? normalizePhone(input.phone_number) : null;
    if (!normalized) problem('phone_number', 'must be a Ukrainian mobile number: +380XXXXXXXXX, 380XXXXXXXXX or 0XXXXXXXXX');
    phone = normalized;
  }

  let thirdPerson = false;
  if (input.third_person !== undefined && input.third_person !== null) {
    if (typeof input.third_person !== 'boolean') problem('third_person', 'must be true or false');
    else thirdPerson = input.third_person;
  }

  let patientId: string | null = null;
  let patientName: string | null = null;
  if (input.patient !== undefined && input.patient !== null) {
    if (typeof input.patient !== 'object' || Array.isArray(input.patient)) {
      problem('patient', 'must be an object with id and name');
    } else {
      const patient = input.patient as Record<string, unknown>;
      patientId = optionalString(patient.id, 'patient.id', 128, problem, true);
      patientName = optionalString(patient.name, 'patient.name', 200, problem);
    }
  }
  if (thirdPerson && !patientName && !problems.some((p) => p.field.startsWith('patient'))) {
    problem('patient.name', 'is required when third_person is true: the message must say whose document it is');
  }

  let number: string | null = null;
  if (knownType && type !== 'verification') {
    const raw = input.number;
    if (raw === undefined || raw === null || raw === '') {
      problem('number', `is required for ${type}`);
    } else if (typeof raw !== 'string') {
      problem('number', 'must be a string');
    } else {
      number = normalizeDocumentNumber(raw);
      const prescription = isPrescriptionType(type as EventType);
      const pattern = prescription ? PRESCRIPTION_NUMBER : REFERRAL_NUMBER;
      if (!pattern.test(number)) {
        problem(
          'number',
          prescription
            ? 'must be an e-prescription number 000N-XXXX-XXXX-XXXX over digits and A E H K M P T X'
            : 'must be an e-referral number XXXX-XXXX-XXXX-XXXX over digits and A B C E H I K M O P T X',
        );
      }
    }
  }

  let code: string | null = null;
  const rawCode = input.code;
  if (rawCode === undefined || rawCode === null || rawCode === '') {
    if (knownType && requiresCode(type as EventType)) problem('code', `is required for ${type}`);
  } else {
    const asText = typeof rawCode === 'number' && Number.isInteger(rawCode) ? String(rawCode) : rawCode;
    if (typeof asText !== 'string' || !CONFIRMATION_CODE.test(asText.trim())) {
      problem('code', 'must be 4 digits, the first not 0');
    } else {
      code = asText.trim();
    }
  }

  let expiresAt: Date | null = null;
  if (input.expires_at !== undefined && input.expires_at !== null) {
    expiresAt = parseExpiry(input.expires_at);
    if (!expiresAt) problem('expires_at', 'must be an ISO 8601 date-time with a time zone, e.g. 2026-12-21T23:59:59Z');
  }

  const details: EventDetails = {};
  if (input.details !== undefined && input.details !== null) {
    if (typeof input.details !== 'object' || Array.isArray(input.details)) {
      problem('details', 'must be an object');
    } else {
      const given = input.details as Record<string, unknown>;
      for (const key of DETAIL_FIELDS) {
        const value = optionalString(given[key], `details.${key}`, 500, problem);
        if (value) details[key] = value;
      }
    }
  }

  if (problems.length > 0) return { ok: false, fields: problems };
  return {
    ok: true,
    event: {
      id: id as string,
      type: type as EventType,
      phone,
      thirdPerson,
      patientId,
      patientName,
      number,
      code,
      expiresAt,
      details,
    },
  };
}

/** Half of a UTF-16 surrogate pair without its other half: no character at all. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Control characters (C0, DEL, C1): they have no place in a name or a text sent to a phone. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;
/**
 * Invisible format characters: direction overrides (U+202E would draw "Код: 1234" as "4321"), zero-width
 * spaces and joiners, soft hyphens, byte-order marks. They are dropped.
 */
const FORMAT = /\p{Cf}/gu;

/**
 * A text field: trimmed, inner whitespace and control characters collapsed to one space. A number is
 * a mistake for a name or a text, but fine for an identifier (`numberAllowed`).
 */
function optionalString(
  value: unknown,
  field: string,
  max: number,
  problem: (field: string, text: string) => void,
  numberAllowed = false,
): string | null {
  if (value === undefined || value === null) return null;
  if (numberAllowed && typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') {
    problem(field, 'must be a string');
    return null;
  }
  if (LONE_SURROGATE.test(value)) {
    problem(field, 'contains a broken character (half of a UTF-16 surrogate pair)');
    return null;
  }
  const trimmed = value.replace(CONTROL, ' ').replace(FORMAT, '').trim().replace(/\s+/g, ' ');
  if (trimmed.length > max) {
    problem(field, `must be at most ${max} characters`);
    return null;
  }
  return trimmed || null;
}

function parseExpiry(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  let parsed: Date;
  if (DATE_ONLY.test(text)) parsed = new Date(`${text}T23:59:59Z`);
  else if (DATE_TIME.test(text)) parsed = new Date(text);
  else return null;
  return Number.isNaN(parsed.getTime()) || !isRealCalendarDate(text) ? null : parsed;
}

/** Date parsing rolls 2026-02-30 over to March; eHealth never means that, so it is refused. */
function isRealCalendarDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return false;
  const time = /T(\d{2}):(\d{2})(?::(\d{2}))?/i.exec(text);
  return !time || (Number(time[1]) < 24 && Number(time[2]) < 60 && Number(time[3] ?? 0) < 60);
}

/**
 * A fingerprint of what the event means, so that eHealth's retry of the same push (even with other
 * whitespace, key order or phone spelling) is recognised as the same body.
 */
export function eventFingerprint(event: IncomingEvent): string {
  const canonical = JSON.stringify([
    event.id,
    event.type,
    event.phone,
    event.thirdPerson,
    event.patientId,
    event.patientName,
    event.number,
    event.code,
    event.expiresAt?.getTime() ?? null,
    DETAIL_FIELDS.map((key) => event.details[key] ?? null),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
