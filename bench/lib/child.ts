import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** The project root, whether this runs compiled (dist/bench/lib) or through tsx (bench/lib). */
const COMPILED = __filename.endsWith('.js');
export const ROOT = COMPILED ? join(__dirname, '..', '..', '..') : join(__dirname, '..', '..');

/**
 * The command line that runs one of our entry points (`src/main`, `bench/bare-koa`…) in a child
 * process: the compiled file under dist/, or the TypeScript one through tsx.
 */
export function entryPoint(relative: string): string[] {
  if (COMPILED) return [join(ROOT, 'dist', `${relative}.js`)];
  return ['--require', require.resolve('tsx/cjs'), join(ROOT, `${relative}.ts`)];
}

/** A server in its own process, so that it never shares an event loop with the load generator. */
export class Child {
  url = '';
  private readonly tail: string[] = [];
  private constructor(private readonly process: ChildProcess) {}

  /** The server's process id, to read its CPU time (see cpu.ts). */
  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Starts `relative` with `env` and resolves once it printed a JSON line with its `url`. */
  static async start(relative: string, env: Record<string, string>, timeoutMs = 60_000): Promise<Child> {
    // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the servers of a run.
    const nodeArgs = process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
    const proc = spawn(process.execPath, [...nodeArgs, ...entryPoint(relative)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const child = new Child(proc);
    let buffer = '';
    const ready = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${relative} did not start: ${child.tail.join('\n')}`)), timeoutMs);
      const take = (chunk: Buffer) => {
        // Once up, its output is drained unread: parsing a busy server's log would load the bench.
        if (child.url) return;
        buffer += chunk.toString('utf8');
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          child.tail.push(line);
          if (child.tail.length > 20) child.tail.shift();
          try {
            const parsed = JSON.parse(line) as { url?: unknown };
            if (typeof parsed.url === 'string') {
              child.url = parsed.url;
              clearTimeout(timer);
              resolve(parsed.url);
              return;
            }
          } catch {
            // Not JSON: a line for humans.
          }
        }
      };
      proc.stdout?.on('data', take);
      proc.stderr?.on('data', take);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        if (!child.url) reject(new Error(`${relative} exited with ${code}: ${child.tail.join('\n')}`));
      });
    });
    await ready;
    return child;
  }

  /** Stops it with SIGTERM (an orderly shutdown) and waits for the exit. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
