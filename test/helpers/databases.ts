import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Where a test's database lives. SQLite by default (a file in the test's own folder); when
 * TEST_DATABASE_URL names a PostgreSQL server (scripts/with-postgres.sh sets it), each test database
 * is a fresh PostgreSQL database on it, dropped afterwards, so tests never see each other's rows.
 */
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;

export const onPostgres = TEST_POSTGRES_URL !== undefined;

export interface TestDatabase {
  /** A DATABASE_URL for Vistka. */
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database: PostgreSQL when TEST_DATABASE_URL is set, else a SQLite file in `dir`. */
export async function freshDatabase(dir: string): Promise<TestDatabase> {
  if (!TEST_POSTGRES_URL) return { url: `sqlite:${join(dir, 'vistka.sqlite')}`, drop: async () => undefined };
  return freshPostgresDatabase(TEST_POSTGRES_URL);
}

/** Creates `vistka_test_<random>` on the server of `adminUrl` and returns its URL. */
export async function freshPostgresDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `vistka_test_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
