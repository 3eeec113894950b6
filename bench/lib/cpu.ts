import { readFileSync } from 'node:fs';

/** CPU time a process has used so far, in ms: all its threads, and its main thread (the event loop). */
export interface CpuTime {
  process: number;
  main: number;
}

/**
 * Reads `/proc/<pid>/stat` and `/proc/<pid>/task/<pid>/stat` (Linux; null elsewhere). Clock ticks
 * are taken as 10 ms, the value on every Linux this runs on (USER_HZ = 100).
 */
export function cpuTime(pid: number | undefined): CpuTime | null {
  if (pid === undefined) return null;
  try {
    return { process: ticks(`/proc/${pid}/stat`) * 10, main: ticks(`/proc/${pid}/task/${pid}/stat`) * 10 };
  } catch {
    return null;
  }
}

/** utime + stime: fields 14 and 15, counted after the command name, which may hold spaces. */
function ticks(path: string): number {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** What a server spent per request over a window: µs of CPU, and how busy its event loop was. */
export interface CpuPerRequest {
  processUs: number;
  mainUs: number;
  /** Share of the window the main thread was on a CPU: near 1, the event loop is the bottleneck. */
  mainBusy: number;
}

export function cpuPerRequest(before: CpuTime | null, after: CpuTime | null, requests: number, seconds: number): CpuPerRequest | null {
  if (!before || !after || requests === 0) return null;
  return {
    processUs: ((after.process - before.process) * 1000) / requests,
    mainUs: ((after.main - before.main) * 1000) / requests,
    mainBusy: (after.main - before.main) / (seconds * 1000),
  };
}
