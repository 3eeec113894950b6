import type { ValueTransformer } from 'typeorm';

/**
 * Times are stored as epoch milliseconds in BIGINT columns: the same SQL compares them on SQLite and
 * PostgreSQL, and the job queue's `due_at <= now` needs no date functions. PostgreSQL returns BIGINT
 * as a string, hence the transformer.
 */
export const epochMs: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};
