/** Node socket errors of a database connection that broke or never formed. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
/** PostgreSQL: shutting down or starting up (57P01–57P03), too many connections (53300). */
const POSTGRES_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
/** SQLite: the file stayed locked past the busy timeout, or the disk failed or filled up. */
const SQLITE_CODES = /^SQLITE_(?:BUSY|LOCKED|IOERR|FULL|CANTOPEN)/;
/** node-postgres's own words for a lost or hung connection. */
const PG_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|connection error/i;

/**
 * Whether `error` says the database is unreachable or unable to work right now (a condition that
 * passes), rather than a bug: such a request gets 503 with Retry-After, not a 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const candidate of [error, (error as { driverError?: unknown } | null)?.driverError]) {
    if (typeof candidate !== 'object' || candidate === null) continue;
    const { code, message } = candidate as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || POSTGRES_CODES.has(code) || code.startsWith('08') || SQLITE_CODES.test(code))) return true;
    if (typeof message === 'string' && PG_MESSAGES.test(message)) return true;
  }
  return false;
}
