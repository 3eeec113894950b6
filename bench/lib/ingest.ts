import autocannon from 'autocannon';
import { pushBody, signature } from './pushes';
import { prepareIngestWrk, wrkVersion } from './wrk';

export interface IngestFigures {
  /** Pushes accepted (202) per second, over the whole run. */
  rps: number;
  p50: number;
  p99: number;
  total: number;
  /** Answers other than 202 (wrk: 4xx, 5xx and pushes sent twice), and transport errors. */
  bad: number;
}

export interface IngestOptions {
  connections: number;
  seconds: number;
  /** Each request gets a fresh id under this prefix, so every push is a new event. */
  idPrefix: string;
}

export type LoadGenerator = 'wrk' | 'autocannon';

let generator: LoadGenerator = 'autocannon';

/**
 * Picks the load generator of every measurement in this run and says which it is: wrk where it is
 * installed (the generator of the reference figures), unless `wanted` names one; autocannon otherwise.
 */
export function chooseGenerator(wanted?: LoadGenerator): string {
  const wrk = wanted === 'autocannon' ? null : wrkVersion();
  if (wanted === 'wrk' && !wrk) throw new Error('--generator=wrk: wrk is not installed (Debian: apt-get install wrk)');
  generator = wrk ? 'wrk' : 'autocannon';
  if (wrk) return `${wrk}, 1 thread (C; the generator of ../shared/reference/performance.md)`;
  const why = wanted === 'autocannon' ? 'as asked' : 'wrk is not installed (apt-get install wrk): the figures in the README are wrk\'s';
  return `autocannon (Node: it spends about as much CPU a request as bare Koa, on the same two cores; ${why})`;
}

/** The generator chooseGenerator picked, for a bench section that runs in a process of its own. */
export function currentGenerator(): LoadGenerator {
  return generator;
}

/**
 * Signed pushes as fast as `connections` keep-alive connections allow, each a new event with its own
 * id and a fresh signature, as eHealth would send them, by the generator chooseGenerator picked. In two
 * steps: whatever takes time before the load starts (wrk's pushes are signed in advance) is done now;
 * the returned function runs the load. A warm-up and its measurement are prepared first, so that
 * nothing lies between them.
 */
function prepareIngest(url: string, options: IngestOptions): () => Promise<IngestFigures> {
  return generator === 'wrk' ? prepareIngestWrk(url, options) : () => measureIngestAutocannon(url, options);
}

/**
 * A 2-second warm-up of the same kind and the measurement, both prepared: run `warm`, then `measure`
 * right after it (a section reads figures of its own in between, or around the measurement).
 */
export function prepareWarmedUp(url: string, options: IngestOptions): { warm: () => Promise<IngestFigures>; measure: () => Promise<IngestFigures> } {
  return { warm: prepareIngest(url, { ...options, seconds: 2, idPrefix: `warm-${options.idPrefix}` }), measure: prepareIngest(url, options) };
}

/** A 2-second warm-up of the same kind, then the measurement, with nothing between them. */
export async function measureWarmedUp(url: string, options: IngestOptions): Promise<IngestFigures> {
  const { warm, measure } = prepareWarmedUp(url, options);
  await warm();
  return measure();
}

async function measureIngestAutocannon(url: string, options: IngestOptions): Promise<IngestFigures> {
  let n = 0;
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    pipelining: 1,
    requests: [
      {
        method: 'POST',
        path: '/ehealth/events',
        setupRequest: (request) => {
          const body = pushBody(`${options.idPrefix}-${n}`, n);
          n += 1;
          return {
            ...request,
            body,
            headers: { 'content-type': 'application/json', 'x-ehealth-signature': signature(body) },
          };
        },
      },
    ],
  });
  const good = (result.statusCodeStats as Record<string, { count: number }>)['202']?.count ?? 0;
  const total = result.requests.total;
  return {
    rps: good / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total,
    bad: total - good + result.errors + result.timeouts,
  };
}
