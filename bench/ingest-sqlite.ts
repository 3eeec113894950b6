/**
 * (a) Issue 2: signed pushes per second accepted durably on the default SQLite, with p50/p99 at 32
 * connections, against bare Koa answering 202 without storage, measured in the same run. A second
 * baseline, Koa running Vistka's own checks (on their thread, as Vistka runs them) without storage,
 * splits the difference in two: what the checks every push must pass cost, and what durable storage
 * and delivery cost on top.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child } from './lib/child';
import { type CpuPerRequest, cpuPerRequest, cpuTime } from './lib/cpu';
import { type IngestFigures, prepareWarmedUp } from './lib/ingest';
import { scrape, total } from './lib/scrape';
import { fmt, median } from './lib/stats';
import { startVistka } from './lib/vistka';

export interface IngestComparison {
  bare: IngestFigures;
  checks: IngestFigures;
  vistka: IngestFigures;
  rounds: number;
  /** Messages the worker sent meanwhile, per second, and the backlog it had at the end. */
  deliveredPerSecond: number;
  backlog: number;
  /** Server CPU per request answered, whatever the status (medians); null where /proc is missing. */
  cpu: { bare: CpuPerRequest | null; checks: CpuPerRequest | null; vistka: CpuPerRequest | null };
}

/** Medians over rounds of all three servers, in alternating order, so that drift hits them alike. */
export async function benchIngestSqlite(options: { seconds: number; rounds: number; connections?: number }): Promise<IngestComparison> {
  const connections = options.connections ?? 32;
  const dir = mkdtempSync(join(tmpdir(), 'vistka-bench-ingest-'));
  const sink = await Child.start('bench/provider-sink', {});
  const bare = await Child.start('bench/bare-koa', {});
  const checks = await Child.start('bench/checks-koa', {});
  const bareRuns: IngestFigures[] = [];
  const checksRuns: IngestFigures[] = [];
  const vistkaRuns: IngestFigures[] = [];
  const bareCpu: Array<CpuPerRequest | null> = [];
  const checksCpu: Array<CpuPerRequest | null> = [];
  const vistkaCpu: Array<CpuPerRequest | null> = [];
  const delivered: number[] = [];
  const backlogs: number[] = [];
  try {
    for (let round = 0; round < options.rounds; round++) {
      const baseline = (name: string, server: Child, runs: IngestFigures[], cpu: Array<CpuPerRequest | null>) => async () => {
        const { warm, measure } = prepareWarmedUp(server.url, { connections, seconds: options.seconds, idPrefix: `${name}-${round}` });
        await warm();
        runs.push(await measureWithCpu(server, measure, cpu));
      };
      const measureVistka = async () => {
        const vistka = await startVistka(`sqlite:${join(dir, `ingest-${round}.sqlite`)}`, sink.url);
        try {
          const { warm, measure } = prepareWarmedUp(vistka.url, { connections, seconds: options.seconds, idPrefix: `run-${round}` });
          await warm();
          const before = total(await scrape(vistka.url), 'vistka_deliveries_total');
          vistkaRuns.push(await measureWithCpu(vistka, measure, vistkaCpu));
          const after = await scrape(vistka.url);
          delivered.push((total(after, 'vistka_deliveries_total') - before) / options.seconds);
          // Due now: what is left to deliver (a sent SMS waiting for its delivery report is not due yet).
          backlogs.push(total(after, 'vistka_queue_due_jobs'));
        } finally {
          await vistka.stop();
        }
      };
      const order = [baseline('bare', bare, bareRuns, bareCpu), baseline('checks', checks, checksRuns, checksCpu), measureVistka];
      // Every other round in reverse, so that a machine slowing down or speeding up favours no one.
      for (const measure of round % 2 === 0 ? order : order.reverse()) await measure();
    }
  } finally {
    await Promise.all([bare.stop(), checks.stop(), sink.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    bare: medianFigures(bareRuns),
    checks: medianFigures(checksRuns),
    vistka: medianFigures(vistkaRuns),
    rounds: options.rounds,
    deliveredPerSecond: median(delivered),
    backlog: median(backlogs),
    cpu: { bare: medianCpu(bareCpu), checks: medianCpu(checksCpu), vistka: medianCpu(vistkaCpu) },
  };
}

/** A prepared measurement (prepareWarmedUp), noting the server's CPU time over the same window in `cpu`. */
async function measureWithCpu(server: Child, measure: () => Promise<IngestFigures>, cpu: Array<CpuPerRequest | null>): Promise<IngestFigures> {
  const before = cpuTime(server.pid);
  const startedAt = performance.now();
  const figures = await measure();
  cpu.push(cpuPerRequest(before, cpuTime(server.pid), figures.total, (performance.now() - startedAt) / 1000));
  return figures;
}

function medianCpu(runs: Array<CpuPerRequest | null>): CpuPerRequest | null {
  const known = runs.filter((run): run is CpuPerRequest => run !== null);
  if (known.length === 0) return null;
  return {
    processUs: median(known.map((run) => run.processUs)),
    mainUs: median(known.map((run) => run.mainUs)),
    mainBusy: median(known.map((run) => run.mainBusy)),
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
  const { bare, checks, vistka } = result;
  const ratio = vistka.rps / bare.rps;
  const row = (name: string, figures: IngestFigures, note = '') =>
    console.log(`${name.padEnd(53)} ${fmt.rps(figures.rps).padStart(9)}   p50 ${fmt.ms(figures.p50)}   p99 ${fmt.ms(figures.p99)}${note}`);
  console.log('\n## (a) Ingest on SQLite: signed pushes accepted durably, 32 connections (issue 2)');
  console.log(`medians of ${result.rounds} round(s); each push a new event, committed and on disk (WAL fsynced) before the 202`);
  row('bare Koa (parse + 202, no storage)', bare);
  row('Koa + Vistka\'s checks on their thread (no storage)', checks, `   ${fmt.pct(checks.rps / bare.rps)} of bare Koa`);
  row('Vistka (verify, validate, commit)', vistka, `   ${fmt.pct(vistka.rps / checks.rps)} of the checks alone`);
  console.log(
    `ratio Vistka / bare Koa = ${fmt.pct(ratio)} (target >= 50 %: ${ratio >= 0.5 ? 'met' : 'MISSED'}); ` +
      `p99 ${fmt.ms(vistka.p99)} (target <= 25 ms: ${vistka.p99 <= 25 ? 'met' : 'MISSED'})` +
      (vistka.bad > 0 ? `; ${vistka.bad} answers were not 202` : '') +
      (checks.bad > 0 ? `; ${checks.bad} answers of the checks baseline were not 202` : ''),
  );
  const { cpu } = result;
  if (cpu.bare && cpu.checks && cpu.vistka) {
    const line = (name: string, c: CpuPerRequest) =>
      `${name} ${c.processUs.toFixed(0)} µs a request, ${c.mainUs.toFixed(0)} µs of it on the event loop (busy ${fmt.pct(c.mainBusy)})`;
    console.log(`server CPU: ${line('bare Koa', cpu.bare)}; ${line('checks', cpu.checks)}; ${line('Vistka', cpu.vistka)}`);
  }
  console.log(
    `meanwhile the worker sent ${fmt.rps(result.deliveredPerSecond)} SMS to the fake provider; ${result.backlog} jobs were left to deliver after the burst`,
  );
}
