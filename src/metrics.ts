import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { withinMs } from './time-limit';
import type { DataSource } from 'typeorm';

/**
 * What the delivery core reports about its work. The core calls these methods and knows nothing of
 * Prometheus; `PrometheusMetrics` turns them into `GET /metrics`, `noMetrics` ignores them.
 */
export interface DeliveryMetrics {
  /** A push was answered: `accepted` (202), `duplicate` (200) or `conflict` (409). */
  pushReceived(type: string, outcome: 'accepted' | 'duplicate' | 'conflict'): void;
  /** A push was refused before it reached the outbox: its HTTP status and error code (401 invalid_signature…). */
  pushRefused(status: number, code: string): void;
  /** One group commit of pushes: how many and how long it took. */
  ingestCommit(events: number, seconds: number): void;
  /** An event entered `status` (queued, sending, sent, delivered, seen, failed, expired, print_required). */
  eventStatus(type: string, status: string): void;
  /**
   * One send to a provider and how it ended: `sent`, `refused`, `unreachable`, `failed` (temporary),
   * `rejected` (permanent); or a receipt: `delivered`, `seen`, `failed_receipt`; or an SMS delivery
   * report: `delivered`, `undelivered`.
   */
  delivery(channel: string, provider: string, outcome: string): void;
  /** How long a provider took to answer a send. */
  sendLatency(channel: string, provider: string, seconds: number): void;
  /** Time from the push's commit to the first send of its message, per channel. */
  timeToFirstSend(channel: string, seconds: number): void;
  /** The cascade moved on from a channel or provider, and why. */
  fallback(reason: FallbackReason): void;
  /** The retention pass erased or pruned rows. */
  retention(kind: 'events_erased' | 'viber_callbacks' | 'pending_receipts', rows: number): void;
}

export type FallbackReason =
  /** Viber answered with an error status (not registered, not subscribed, too many requests…). */
  | 'viber_refused'
  /** The Viber API could not be reached after the quick retries. */
  | 'viber_unreachable'
  /** Viber's `failed` callback. */
  | 'viber_failed_receipt'
  /** No `delivered` within VIBER_DELIVERY_TIMEOUT_S. */
  | 'viber_timeout'
  /** An SMS provider failed temporarily: the next provider in the list was tried. */
  | 'sms_next_provider'
  /** Every SMS provider failed: a later round was scheduled. */
  | 'sms_retry_later'
  /** A provider's delivery report said the SMS will not arrive: the next provider was tried. */
  | 'sms_undelivered';

const noop = () => undefined;

/** Metrics that go nowhere: for tools and tests that do not scrape. */
export const noMetrics: DeliveryMetrics = {
  pushReceived: noop,
  pushRefused: noop,
  ingestCommit: noop,
  eventStatus: noop,
  delivery: noop,
  sendLatency: noop,
  timeToFirstSend: noop,
  fallback: noop,
  retention: noop,
};

/** What the outbox looks like now; read from the database at each scrape. */
export interface QueueStats {
  /** Jobs in the outbox, due or waiting for their time (a Viber timeout, an SMS retry). */
  total: number;
  /** Jobs whose time has come (running or waiting for a worker), by step: dispatch, sms, viber_wait… */
  dueByStep: Record<string, number>;
  /** The `due_at` of the oldest due job, or null when none is due. */
  oldestDueAt: number | null;
}

/** Latency buckets in seconds: providers answer in tens of milliseconds, time out at 5–10 s. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Time to first send also spans a restart or a queue backlog. */
const WAIT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The Prometheus side. Counters are per instance (sum them over instances); the queue gauges are
 * read from the shared database, so every instance reports the same outbox (take the max).
 */
/** How long a scrape waits for the queue query. */
const QUEUE_STATS_TIMEOUT_MS = 2000;

export class PrometheusMetrics implements DeliveryMetrics {
  /** Its own registry, so two servers in one process (tests) never share a counter. */
  readonly registry = new Registry();
  private readonly pushes: Counter<'type' | 'outcome'>;
  private readonly refused: Counter<'status' | 'code'>;
  private readonly commits: Histogram<never>;
  private readonly committed: Counter<never>;
  private readonly statuses: Counter<'type' | 'status'>;
  private readonly deliveries: Counter<'channel' | 'provider' | 'outcome'>;
  private readonly latency: Histogram<'channel' | 'provider'>;
  private readonly firstSend: Histogram<'channel'>;
  private readonly fallbacks: Counter<'reason'>;
  private readonly retained: Counter<'kind'>;

  constructor(queueStats: (now: number) => Promise<QueueStats>, now: () => number = Date.now) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.pushes = new Counter({
      name: 'vistka_pushes_total',
      help: 'eHealth pushes answered, by event type and outcome (accepted, duplicate, conflict)',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.refused = new Counter({
      name: 'vistka_pushes_refused_total',
      help: 'eHealth pushes refused before reaching the outbox, by HTTP status and error code',
      labelNames: ['status', 'code'],
      registers,
    });
    this.commits = new Histogram({
      name: 'vistka_ingest_commit_seconds',
      help: 'Duration of one group commit of pushes',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.committed = new Counter({ name: 'vistka_ingest_events_committed_total', help: 'Events written by group commits', registers });
    this.statuses = new Counter({
      name: 'vistka_events_total',
      help: 'Events that entered a status, by event type and status',
      labelNames: ['type', 'status'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'vistka_deliveries_total',
      help: 'Sends and receipts by channel, provider and outcome',
      labelNames: ['channel', 'provider', 'outcome'],
      registers,
    });
    this.latency = new Histogram({
      name: 'vistka_send_duration_seconds',
      help: 'How long a provider took to answer a send',
      labelNames: ['channel', 'provider'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.firstSend = new Histogram({
      name: 'vistka_time_to_first_send_seconds',
      help: 'From the push being committed to the first send of its message leaving, by channel',
      labelNames: ['channel'],
      buckets: WAIT_BUCKETS,
      registers,
    });
    this.fallbacks = new Counter({
      name: 'vistka_fallbacks_total',
      help: 'Moves to the next channel or provider, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.retained = new Counter({
      name: 'vistka_retention_rows_total',
      help: 'Rows erased (events: codes and texts) or pruned by the retention pass',
      labelNames: ['kind'],
      registers,
    });

    // The queue gauges of one scrape share one query: the registry collects them all at once, so
    // the first starts it and the others join it while it runs. When the database does not answer
    // (within 2 s), the scrape still succeeds: the queue gauges keep their last values and
    // vistka_database_up says 0, so monitoring sees the outage instead of losing every metric.
    let pending: Promise<QueueStats | null> | null = null;
    const stats = (): Promise<QueueStats | null> => {
      pending ??= withinMs(queueStats(now()), QUEUE_STATS_TIMEOUT_MS).finally(() => {
        pending = null;
      });
      return pending;
    };
    new Gauge({
      name: 'vistka_database_up',
      help: 'Whether the database answered the queue query of this scrape (1) or not (0)',
      registers,
      async collect() {
        this.set((await stats()) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'vistka_queue_jobs',
      help: 'Jobs in the outbox, due or waiting for their time (shared by all instances)',
      registers,
      async collect() {
        const queue = await stats();
        if (queue) this.set(queue.total);
      },
    });
    new Gauge({
      name: 'vistka_queue_due_jobs',
      help: 'Jobs whose time has come, running or waiting for a worker, by step',
      labelNames: ['step'],
      registers,
      async collect() {
        const queue = await stats();
        if (!queue) return;
        this.reset();
        for (const [step, count] of Object.entries(queue.dueByStep)) this.set({ step }, count);
      },
    });
    new Gauge({
      name: 'vistka_queue_oldest_due_seconds',
      help: 'How long the oldest due job has been due: the backlog of the workers (0 when none)',
      registers,
      async collect() {
        const queue = await stats();
        if (queue) this.set(queue.oldestDueAt === null ? 0 : Math.max(0, (now() - queue.oldestDueAt) / 1000));
      },
    });
  }

  pushReceived(type: string, outcome: 'accepted' | 'duplicate' | 'conflict'): void {
    this.pushes.inc({ type, outcome });
  }

  pushRefused(status: number, code: string): void {
    this.refused.inc({ status: String(status), code });
  }

  ingestCommit(events: number, seconds: number): void {
    this.commits.observe(seconds);
    this.committed.inc(events);
  }

  eventStatus(type: string, status: string): void {
    this.statuses.inc({ type, status });
  }

  delivery(channel: string, provider: string, outcome: string): void {
    this.deliveries.inc({ channel, provider, outcome });
  }

  sendLatency(channel: string, provider: string, seconds: number): void {
    this.latency.observe({ channel, provider }, seconds);
  }

  timeToFirstSend(channel: string, seconds: number): void {
    this.firstSend.observe({ channel }, Math.max(0, seconds));
  }

  fallback(reason: FallbackReason): void {
    this.fallbacks.inc({ reason });
  }

  retention(kind: 'events_erased' | 'viber_callbacks' | 'pending_receipts', rows: number): void {
    if (rows > 0) this.retained.inc({ kind }, rows);
  }

  /** The text of `GET /metrics`. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * The metrics of the server that owns a database. Receipts are applied by the bot's inbox through
 * plain functions that get only an EntityManager; they find the metrics through its connection
 * rather than every caller having to pass them along.
 */
const byDataSource = new WeakMap<DataSource, DeliveryMetrics>();

export function attachMetrics(source: DataSource, metrics: DeliveryMetrics): void {
  byDataSource.set(source, metrics);
}

export function metricsOf(source: DataSource): DeliveryMetrics {
  return byDataSource.get(source) ?? noMetrics;
}
