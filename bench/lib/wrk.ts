import { execFile, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestFigures, IngestOptions } from './ingest';
import { pushBody, signature } from './pushes';

/** "wrk 4.1.0…" when wrk is installed (Debian: `apt-get install wrk`), else null. */
export function wrkVersion(): string | null {
  // wrk has no --version: it prints its banner with the usage and exits 1.
  const run = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (run.error) return null;
  const banner = `${run.stdout}${run.stderr}`.split('\n')[0]?.trim() ?? '';
  return banner.startsWith('wrk') ? banner.replace(/\s*\[.*$/, '') : null;
}

/**
 * Pushes are signed in advance, as many as wrk could send at this rate; the script sends each once
 * (after the last one it starts over, and the repeats count as not accepted: they get 200, not 202).
 */
const PUSHES_PER_SECOND = 30_000;

/**
 * Lua run by wrk: reads the prepared requests (length-prefixed raw HTTP), sends them in turn, and
 * prints one JSON line at the end. It has no response() hook: wrk then counts every 4xx/5xx and
 * socket error itself, and does not hand each answer to Lua (whose garbage, collected in a heap that
 * holds every prepared push, put pauses of tens of ms into wrk's own latency figures).
 */
const SCRIPT = `
local ffi = require("ffi")
ffi.cdef("int usleep(unsigned int usec);")
local requests = {}
local next_index = 0
function init(args)
  local file = assert(io.open(args[1], "rb"))
  while true do
    local length = file:read("*l")
    if not length then break end
    requests[#requests + 1] = file:read(tonumber(length))
  end
  file:close()
  -- Loaded: wait for the go file, so that the load starts the moment the warm-up ends (wrk's clock
  -- starts after init). Two minutes without it: the bench is gone, and so is this run.
  for _ = 1, 120000 do
    local go = io.open(args[2], "r")
    if go then go:close() return end
    ffi.C.usleep(1000)
  end
  os.exit(1)
end
function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format('WRK {"requests":%d,"seconds":%.3f,"p50":%.3f,"p99":%.3f,"errors":%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors.status + errors.connect + errors.read + errors.write + errors.timeout))
end
`;

/**
 * Signed pushes as fast as `connections` keep-alive connections allow, sent by wrk: a load generator
 * written in C that needs about half the CPU autocannon needs (~25 µs a request here against ~50), on
 * the two cores it shares with the server. Its p99 includes coordinated omission: a stall counts for
 * the pushes it kept from being sent, not only for the 32 that waited.
 */
export function prepareIngestWrk(url: string, options: IngestOptions): () => Promise<IngestFigures> {
  // Signing 300,000 pushes takes seconds, and wrk takes ~0.3 s to read them: both done now, and wrk
  // then waits for its go file. Without that, the pause after a warm-up let the worker speed up on the
  // warm-up's backlog, and the first pushes of the run waited for it (~0.2 s).
  const dir = mkdtempSync(join(tmpdir(), 'vistka-wrk-'));
  const requests = join(dir, 'requests');
  const go = join(dir, 'go');
  const count = Math.ceil(options.seconds * PUSHES_PER_SECOND);
  writeRequests(requests, url, options.idPrefix, count);
  writeFileSync(join(dir, 'push.lua'), SCRIPT);
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '10s', '-s', join(dir, 'push.lua'), url, '--', requests, go];
  const output = new Promise<string>((resolve, reject) => {
    execFile('wrk', args, { maxBuffer: 1 << 20 }, (error, stdout, stderr) => (error ? reject(new Error(`wrk failed: ${stderr || error.message}`)) : resolve(stdout)));
  });
  output.catch(() => undefined); // seen by the run, if it ever starts
  return async () => {
    writeFileSync(go, '');
    try {
      return figuresOf(await output, count);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function figuresOf(output: string, count: number): IngestFigures {
  const line = output.split('\n').find((text) => text.startsWith('WRK '));
  if (!line) throw new Error(`wrk printed no figures:\n${output}`);
  const figures = JSON.parse(line.slice(4)) as { requests: number; seconds: number; p50: number; p99: number; errors: number };
  // Pushes sent a second time (past the prepared ones) were answered 200, not 202: not accepted.
  const bad = figures.errors + Math.max(0, figures.requests - count);
  return { rps: (figures.requests - bad) / figures.seconds, p50: figures.p50, p99: figures.p99, total: figures.requests, bad };
}

/** `count` pushes as raw HTTP requests, each a new event signed now, length-prefixed for the script. */
function writeRequests(path: string, url: string, idPrefix: string, count: number): void {
  const host = new URL(url).host;
  const file = openSync(path, 'w');
  try {
    for (let n = 0; n < count; n++) {
      const body = pushBody(`${idPrefix}-${n}`, n);
      const request = Buffer.from(
        `POST /ehealth/events HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
          `X-Ehealth-Signature: ${signature(body)}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      writeSync(file, `${request.length}\n`);
      writeSync(file, request);
    }
  } finally {
    closeSync(file);
  }
}
