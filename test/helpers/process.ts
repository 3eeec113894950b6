import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { waitFor } from '../fakes/http';

const ROOT = join(__dirname, '..', '..');

/**
 * The real server as its own process (`src/main.ts` through tsx, as `npm start` runs the compiled
 * one), for what only a process can show: SIGKILL, SIGTERM and the exit code.
 */
export class VistkaProcess {
  readonly lines: string[] = [];
  url = '';
  private child: ChildProcess | null = null;
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | null = null;

  constructor(
    private readonly env: Record<string, string>,
    private readonly cwd: string,
  ) {}

  /** Starts it and resolves with its URL once it listens. */
  async start(): Promise<this> {
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), join(ROOT, 'src', 'main.ts')], {
      cwd: this.cwd,
      // Only what we pass: nothing from the developer's environment or .env leaks in.
      env: {
        PATH: process.env.PATH ?? '',
        // tsx reads tsconfig.json from the working directory, which is the test's folder here.
        TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'),
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
    let buffer = '';
    const take = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      this.lines.push(...parts.filter(Boolean));
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    const ready = await Promise.race([
      waitFor('the server to listen', () => this.lines.map(parseLine).find((line) => typeof line?.url === 'string' && /listening/.test(String(line.msg))), 30_000),
      this.exited.then((exit) => {
        throw new Error(`the server exited at start (${JSON.stringify(exit)}): ${this.lines.slice(-5).join('\n')}`);
      }),
    ]);
    this.url = String(ready.url);
    return this;
  }

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  kill(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** Resolves with the exit code (or the signal that ended it). */
  async exit(timeoutMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.exited) throw new Error('not started');
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.exited,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('the server did not exit in time')), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills it whatever its state (for `after` hooks). */
  async ensureDead(): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

function parseLine(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}
