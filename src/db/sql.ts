import type { EntityManager } from 'typeorm';
import type { Dialect } from './database';

/**
 * Plain SQL for the hot paths (ingest, the cascade, the job queue). TypeORM's query builder spends
 * 50–100 µs building each statement and writes some values (epoch columns with a transformer) into
 * the SQL text, so every such statement is prepared anew; measured, that was most of the worker's
 * time per message. Statements here are written once with `?` and reused as prepared statements.
 */

export function dialectOf(manager: EntityManager): Dialect {
  return manager.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
}

const converted = new Map<string, string>();

/** Rewrites `?` placeholders as PostgreSQL's `$1, $2…`; SQLite takes `?` as written. */
export function placeholders(dialect: Dialect, sql: string): string {
  if (dialect === 'sqlite') return sql;
  let text = converted.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    if (converted.size < 1000) converted.set(sql, text);
  }
  return text;
}

/** `?, ?, ?` for an IN list or a VALUES row. */
export function marks(count: number): string {
  return count === 1 ? '?' : `?${',?'.repeat(count - 1)}`;
}

/** Runs a SELECT and returns its rows. */
export async function select<T = Record<string, unknown>>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  return (await manager.query(placeholders(dialectOf(manager), sql), params)) as T[];
}

/**
 * Runs one data-changing statement inside a transaction and returns how many rows it changed, which
 * TypeORM reports in the same shape on both databases only as a structured result.
 */
export async function execute(manager: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('execute() needs the manager of a transaction (Database.tx)');
  const result = await runner.query(placeholders(dialectOf(manager), sql), params, true);
  return Number(result.affected ?? 0);
}

/** A BIGINT epoch (a string on PostgreSQL) or null, as a number. */
export function epoch(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** A boolean column: PostgreSQL's boolean, or SQLite's 0/1. */
export function flag(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}
