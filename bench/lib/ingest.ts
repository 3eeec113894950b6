import autocannon from 'autocannon';
import { pushBody, signature } from './pushes';

export interface IngestFigures {
  /** Requests answered with the expected status per second, over the whole run. */
  rps: number;
  p50: number;
  p99: number;
  total: number;
  /** Answers other than the expected status, and transport errors. */
  bad: number;
}

export interface IngestOptions {
  connections: number;
  seconds: number;
  /** Each request gets a fresh id under this prefix, so every push is a new event. */
  idPrefix: string;
  /** The answer that counts as accepted. */
  expect?: number;
}

/**
 * Signed pushes as fast as `connections` keep-alive connections allow (autocannon), each a new
 * event with its own id and a fresh signature, as eHealth would send them.
 */
export async function measureIngest(url: string, options: IngestOptions): Promise<IngestFigures> {
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
  const expected = options.expect ?? 202;
  const good = (result.statusCodeStats as Record<string, { count: number }>)[String(expected)]?.count ?? 0;
  const total = result.requests.total;
  return {
    rps: good / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total,
    bad: total - good + result.errors + result.timeouts,
  };
}
