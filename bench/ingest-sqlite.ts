/**
 * (a) Issue 2: signed pushes per second accepted durably on the default SQLite, with p50/p99 at 32
 * connections, against bare Koa answering 202 without storage, measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child } from './lib/child';
import { type IngestFigures, measureIngest } from './lib/ingest';
import { scrape, total } from './lib/scrape';
import { fmt, median } from './lib/stats';
import { startVistka } from './lib/vistka';

export interface IngestComparison {
  bare: IngestFigures;
  vistka: IngestFigures;
  rounds: number;
  /** Messages the worker sent meanwhile, per second, and the backlog it had at the end. */
  deliveredPerSecond: number;
  backlog: number;
}

/** Medians over rounds that alternate baseline and Vistka, so that drift hits both alike. */
export async function benchIngestSqlite(options: { seconds: number; rounds: number; connections?: number }): Promise<IngestComparison> {
  const connections = options.connections ?? 32;
  const dir = mkdtempSync(join(tmpdir(), 'vistka-bench-ingest-'));
  const sink = await Child.start('bench/provider-sink', {});
  const bare = await Child.start('bench/bare-koa', {});
  const bareRuns: IngestFigures[] = [];
  const vistkaRuns: IngestFigures[] = [];
  const delivered: number[] = [];
  const backlogs: number[] = [];
  try {
    for (let round = 0; round < options.rounds; round++) {
      await measureIngest(bare.url, { connections, seconds: 2, idPrefix: `warm-bare-${round}` });
      bareRuns.push(await measureIngest(bare.url, { connections, seconds: options.seconds, idPrefix: `bare-${round}` }));

      const vistka = await startVistka(`sqlite:${join(dir, `ingest-${round}.sqlite`)}`, sink.url);
      try {
        await measureIngest(vistka.url, { connections, seconds: 2, idPrefix: `warm-${round}` });
        const before = total(await scrape(vistka.url), 'vistka_deliveries_total');
        vistkaRuns.push(await measureIngest(vistka.url, { connections, seconds: options.seconds, idPrefix: `run-${round}` }));
        const after = await scrape(vistka.url);
        delivered.push((total(after, 'vistka_deliveries_total') - before) / options.seconds);
        backlogs.push(total(after, 'vistka_queue_jobs'));
      } finally {
        await vistka.stop();
      }
    }
  } finally {
    await Promise.all([bare.stop(), sink.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    bare: medianFigures(bareRuns),
    vistka: medianFigures(vistkaRuns),
    rounds: options.rounds,
    deliveredPerSecond: median(delivered),
    backlog: median(backlogs),
  };
}

export function medianFigures(runs: IngestFigures[]): IngestFigures {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    total: runs.reduce((sum, r) => sum + r.total, 0),
    bad: runs.reduce((sum, r) => sum + r.bad, 0),
  };
}

export function printIngestSqlite(result: IngestComparison): void {
  const { bare, vistka } = result;
  const ratio = vistka.rps / bare.rps;
  console.log('\n## (a) Ingest on SQLite: signed pushes accepted durably, 32 connections (issue 2)');
  console.log(`medians of ${result.rounds} round(s); each push a new event, committed and on disk (WAL fsynced) before the 202`);
  console.log(`bare Koa (parse + 202, no storage)  ${fmt.rps(bare.rps).padStart(9)}   p50 ${fmt.ms(bare.p50)}   p99 ${fmt.ms(bare.p99)}`);
  console.log(`Vistka   (verify, validate, commit) ${fmt.rps(vistka.rps).padStart(9)}   p50 ${fmt.ms(vistka.p50)}   p99 ${fmt.ms(vistka.p99)}`);
  console.log(
    `ratio Vistka / bare Koa = ${fmt.pct(ratio)} (target >= 50 %: ${ratio >= 0.5 ? 'met' : 'MISSED'}); ` +
      `p99 ${fmt.ms(vistka.p99)} (target <= 25 ms: ${vistka.p99 <= 25 ? 'met' : 'MISSED'})` +
      (vistka.bad > 0 ? `; ${vistka.bad} answers were not 202` : ''),
  );
  console.log(
    `meanwhile the worker sent ${fmt.rps(result.deliveredPerSecond)} SMS to the fake provider; ${result.backlog} jobs were left to deliver after the burst`,
  );
}
