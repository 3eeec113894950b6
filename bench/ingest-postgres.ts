/**
 * (b) Ingest on PostgreSQL: two instances sharing one database against one instance, and the bare
 * Koa baseline of the same run. Needs PostgreSQL: BENCH_DATABASE_URL (or TEST_DATABASE_URL) naming
 * a server where it may create databases, or the PostgreSQL binaries, for which the bench starts a
 * throwaway cluster through scripts/with-postgres.sh (durable: fsync on). Skipped otherwise.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freshPostgresDatabase } from '../test/helpers/databases';
import { Child, entryPoint, ROOT } from './lib/child';
import { type IngestFigures, type LoadGenerator, chooseGenerator, currentGenerator, measureWarmedUp, prepareWarmedUp } from './lib/ingest';
import { scrape, total } from './lib/scrape';
import { fmt } from './lib/stats';
import { startVistka } from './lib/vistka';

export type PostgresIngest =
  | { skipped: string }
  | { bare: IngestFigures; one: IngestFigures; two: IngestFigures; twoSplit: [number, number]; sharedBy: [number, number] };

export async function benchIngestPostgres(options: { seconds: number }): Promise<PostgresIngest> {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (adminUrl) return measure(adminUrl, options.seconds);
  if (!postgresInstalled()) {
    return { skipped: 'no PostgreSQL here (set BENCH_DATABASE_URL, or install the postgresql package for scripts/with-postgres.sh)' };
  }
  // Run this section again inside a throwaway cluster, and read its figures back.
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, 'scripts', 'with-postgres.sh'), [process.execPath, ...entryPoint('bench/ingest-postgres'), String(options.seconds), currentGenerator()], {
      cwd: ROOT,
      env: { ...process.env, PG_DURABLE: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('exit', (code) => {
      const line = output.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as PostgresIngest);
      } catch {
        reject(new Error(`the PostgreSQL bench failed (exit ${code}): ${output.slice(-500)}`));
      }
    });
  });
}

function postgresInstalled(): boolean {
  try {
    return readdirSync('/usr/lib/postgresql').some((version) => existsSync(join('/usr/lib/postgresql', version, 'bin', 'initdb')));
  } catch {
    return false;
  }
}

async function measure(adminUrl: string, seconds: number): Promise<PostgresIngest> {
  const sink = await Child.start('bench/provider-sink', {});
  const bare = await Child.start('bench/bare-koa', {});
  const databases = [];
  try {
    const bareFigures = await measureWarmedUp(bare.url, { connections: 32, seconds, idPrefix: 'pg-bare' });

    const single = await freshPostgresDatabase(adminUrl);
    databases.push(single);
    const alone = await startVistka(single.url, sink.url);
    let one: IngestFigures;
    try {
      one = await measureWarmedUp(alone.url, { connections: 32, seconds, idPrefix: 'pg-one' });
    } finally {
      await alone.stop();
    }

    const shared = await freshPostgresDatabase(adminUrl);
    databases.push(shared);
    const pair = [await startVistka(shared.url, sink.url), await startVistka(shared.url, sink.url)];
    try {
      const prepared = pair.map((instance, i) => prepareWarmedUp(instance.url, { connections: 16, seconds, idPrefix: `pg-two-${i}` }));
      await Promise.all(prepared.map(({ warm }) => warm()));
      const before = await Promise.all(pair.map(async (instance) => total(await scrape(instance.url), 'vistka_deliveries_total')));
      const runs = await Promise.all(prepared.map(({ measure }) => measure()));
      const after = await Promise.all(pair.map(async (instance) => total(await scrape(instance.url), 'vistka_deliveries_total')));
      return {
        bare: bareFigures,
        one,
        two: {
          rps: runs[0].rps + runs[1].rps,
          p50: Math.max(runs[0].p50, runs[1].p50),
          p99: Math.max(runs[0].p99, runs[1].p99),
          total: runs[0].total + runs[1].total,
          bad: runs[0].bad + runs[1].bad,
        },
        twoSplit: [runs[0].rps, runs[1].rps],
        sharedBy: [after[0] - before[0], after[1] - before[1]],
      };
    } finally {
      await Promise.all(pair.map((instance) => instance.stop()));
    }
  } finally {
    await Promise.all([bare.stop(), sink.stop()]);
    await Promise.all(databases.map((db) => db.drop().catch(() => undefined)));
  }
}

export function printIngestPostgres(result: PostgresIngest): void {
  console.log('\n## (b) Ingest on PostgreSQL: two instances on one database vs one (32 connections in all)');
  if ('skipped' in result) {
    console.log(`skipped: ${result.skipped}`);
    return;
  }
  const { bare, one, two } = result;
  console.log(`bare Koa               ${fmt.rps(bare.rps).padStart(9)}   p50 ${fmt.ms(bare.p50)}   p99 ${fmt.ms(bare.p99)}`);
  console.log(`one instance           ${fmt.rps(one.rps).padStart(9)}   p50 ${fmt.ms(one.p50)}   p99 ${fmt.ms(one.p99)}   (${fmt.pct(one.rps / bare.rps)} of bare Koa)`);
  console.log(
    `two instances (sum)    ${fmt.rps(two.rps).padStart(9)}   p50 ${fmt.ms(two.p50)}   p99 ${fmt.ms(two.p99)}   ` +
      `(${fmt.pct(two.rps / bare.rps)} of bare Koa; ${fmt.rps(result.twoSplit[0])} + ${fmt.rps(result.twoSplit[1])})`,
  );
  console.log(`two / one = ${(two.rps / one.rps).toFixed(2)}x; sends meanwhile by each instance: ${result.sharedBy.join(' and ')} (both claim from the shared outbox)`);
  if (one.bad + two.bad > 0) console.log(`answers other than 202: ${one.bad + two.bad}`);
  console.log('note: instances, PostgreSQL and the load generator share the same 2 cores here; a second machine is what two instances are for');
}

if (require.main === module) {
  // Inside scripts/with-postgres.sh: measure and print the figures as one JSON line.
  const seconds = Number(process.argv[2] ?? 10);
  chooseGenerator((process.argv[3] as LoadGenerator | undefined) ?? 'autocannon');
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('run through scripts/with-postgres.sh');
  measure(url, seconds)
    .then((figures) => console.log(JSON.stringify(figures)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
