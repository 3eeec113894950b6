import type { TableColumnOptions } from 'typeorm';

/**
 * Column helpers for migrations, meaning the same on SQLite and PostgreSQL. Times are epoch
 * milliseconds in BIGINT (see src/entities/columns.ts). A migration's output must never change once
 * released: add a new helper rather than change one.
 */
export const varchar = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
export const epoch = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
export const text = (name: string, nullable = true, defaultSql?: string): TableColumnOptions => ({
  name,
  type: 'text',
  isNullable: nullable,
  default: defaultSql,
});
export const integer = (name: string, defaultValue = 0): TableColumnOptions => ({ name, type: 'integer', default: String(defaultValue) });
export const flag = (name: string, defaultValue: boolean): TableColumnOptions => ({ name, type: 'boolean', default: String(defaultValue) });
export const primary = (column: TableColumnOptions): TableColumnOptions => ({ ...column, isPrimary: true });
