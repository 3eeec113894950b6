import type { FieldProblem } from '../ehealth/event';
import { normalizePhone } from '../ehealth/formats';

export type { FieldProblem };

/** Input that failed validation, naming every bad field; the HTTP layer answers 422 with the list. */
export class InvalidInput extends Error {
  constructor(readonly fields: FieldProblem[]) {
    super(fields.map((f) => `${f.field} ${f.problem}`).join('; '));
  }
}

/** Collects problems while reading input, so that every bad field is reported at once. */
export class Problems {
  readonly list: FieldProblem[] = [];

  add(field: string, problem: string): void {
    this.list.push({ field, problem });
  }

  /** Throws InvalidInput if anything was wrong. */
  check(): void {
    if (this.list.length > 0) throw new InvalidInput(this.list);
  }
}

/** Query values arrive as a string, an array (the parameter was repeated) or not at all. */
export type QueryValue = string | string[] | undefined;

/** One optional query value; a repeated parameter is a mistake worth naming. */
export function single(problems: Problems, field: string, value: QueryValue): string | undefined {
  if (Array.isArray(value)) {
    problems.add(field, 'is given more than once');
    return undefined;
  }
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** A `limit` from 1 to `max`, `fallback` when absent. */
export function limitOf(problems: Problems, value: QueryValue, fallback: number, max: number, field = 'limit'): number {
  const raw = single(problems, field, value);
  if (raw === undefined) return fallback;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    problems.add(field, `must be a whole number from 1 to ${max}`);
    return fallback;
  }
  return Number(raw);
}

/** A Ukrainian mobile number in any accepted spelling, as E.164; null (with a problem) otherwise. */
export function phoneOf(problems: Problems, field: string, raw: string | undefined, required: boolean): string | null {
  if (raw === undefined || raw === '') {
    if (required) problems.add(field, 'is required: a Ukrainian mobile number such as +380671234567');
    return null;
  }
  const phone = normalizePhone(raw);
  if (!phone) problems.add(field, 'must be a Ukrainian mobile number: +380XXXXXXXXX, 380XXXXXXXXX or 0XXXXXXXXX');
  return phone;
}

/** One of `allowed`, or undefined with a problem naming them. */
export function oneOf<T extends string>(problems: Problems, field: string, raw: string | undefined, allowed: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    problems.add(field, `must be one of ${allowed.join(', ')}`);
    return undefined;
  }
  return raw as T;
}

/** Ids in paths: events use eHealth's idempotency key alphabet, staff use UUIDs. */
export const EVENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
