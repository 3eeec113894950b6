import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import type Router from '@koa/router';
import type Koa from 'koa';
import { checkAdminToken } from './admin/auth';
import { viberStaffCommands } from './admin/commands';
import { createApp } from './app';
import { createBot } from './bot';
import { createSmsProviders } from './channels/sms';
import type { SmsProvider } from './channels/sms/provider';
import { ViberApi } from './channels/viber/api';
import { ViberChannel } from './channels/viber/channel';
import { type Config, ConfigError } from './config';
import { type Database, openDatabase } from './db/database';
import { SqliteOwnerLock } from './db/owner-lock';
import { isDatabaseUnavailable } from './db/unavailable';
import { Cascade } from './delivery/cascade';
import { EventIngestor } from './delivery/ingest';
import { JobQueue, type JobStep } from './delivery/jobs';
import { type StepHandler, Worker } from './delivery/worker';
import { PushChecker } from './ehealth/push-checker';
import { createHttpServer } from './http/server';
import type { Logger } from './logger';
import { PeriodicTask } from './maintenance/periodic';
import { Retention } from './maintenance/retention';
import { attachMetrics, PrometheusMetrics } from './metrics';
import { adminRoutes } from './routes/admin';
import { ehealthRoutes } from './routes/ehealth';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { viberRoutes } from './routes/viber';

/** Viber callbacks the bot asks for: `failed` must be named, or failed sends never fall back. */
export const VIBER_EVENT_TYPES = ['delivered', 'seen', 'failed', 'subscribed', 'unsubscribed', 'conversation_started', 'message'];

export interface ServerOptions {
  logger: Logger;
  /** Overrides for tests. */
  smsProviders?: SmsProvider[];
  now?: () => number;
  workerPollMs?: number;
  /** How often the retention pass runs (hourly by default). */
  retentionEveryMs?: number;
  /** How long a client may take to send a request before it gets a 408 (10 s by default). */
  requestTimeoutMs?: number;
  /**
   * How long the listener stays open after close() at least (1 s by default), answering 503: clients
   * in the middle of a request get an answer, not a reset, and load balancers notice the instance going.
   */
  shutdownGraceMs?: number;
}

/** A running Vistka: HTTP server, worker and database, with an orderly way to stop. */
export interface Vistka {
  app: Koa;
  server: Server;
  db: Database;
  worker: Worker;
  queue: JobQueue;
  metrics: PrometheusMetrics;
  /** The periodic retention pass; `runNow()` for tests and tools. */
  retention: PeriodicTask;
  url: string;
  close(): Promise<void>;
}

/** Opens the database, starts the worker and listens. Resolves once the server accepts requests. */
export async function startVistka(config: Config, options: ServerOptions): Promise<Vistka> {
  const { logger } = options;
  const now = options.now ?? Date.now;
  checkAdminToken(config.adminToken);
  const db = await openDatabase(config.database).catch((error: unknown) => {
    throw new ConfigError(`cannot open DATABASE_URL=${describeDatabase(config.database)}: ${messageOf(error)}`);
  });
  const ownerLock = config.database.kind === 'sqlite' && config.database.path !== ':memory:' ? new SqliteOwnerLock(config.database.path) : null;
  try {
    ownerLock?.acquire();
  } catch (error) {
    await db.close();
    throw new ConfigError(`DATABASE_URL=${describeDatabase(config.database)}: ${messageOf(error)}`);
  }
  const workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const queue = new JobQueue(db, workerId, config.jobLeaseS * 1000);
  // This process owns the SQLite file (ownerLock): whatever a killed predecessor held can run again now.
  if (db.dialect === 'sqlite') await queue.releaseAllLeases();
  const metrics = new PrometheusMetrics((at) => queue.stats(at), now);
  attachMetrics(db.source, metrics);

  const smsProviders = options.smsProviders ?? createSmsProviders(config);
  const viber = config.viber.authToken
    ? new ViberChannel(new ViberApi({ apiUrl: config.viber.apiUrl, authToken: config.viber.authToken }), {
        name: config.viber.botName,
        avatar: config.viber.botAvatar,
      })
    : null;

  let worker: Worker | undefined;
  const wake = () => worker?.wake();
  const cascade = new Cascade(db, queue, {
    viber,
    sms: smsProviders,
    viberTimeoutMs: config.viber.deliveryTimeoutS * 1000,
    smsReportFirstPollMs: config.sms.reportPollS * 1000,
    logger,
    now,
    metrics,
  });
  const staffCommands = viberStaffCommands({ now, wake, metrics });
  const bot = viber ? createBot({ db, queue, viber, sms: smsProviders, logger, now, wake, staffCommands }) : null;
  const handlers: Partial<Record<JobStep, StepHandler>> = { ...cascade.handlers(), ...(bot?.handlers ?? {}) };
  const ingestor = new EventIngestor(db, wake, now, metrics);
  const checker = config.ehealthWebhookSecret ? new PushChecker(config.ehealthWebhookSecret, logger) : null;
  worker = new Worker(queue, handlers, logger, { pollMs: options.workerPollMs, now, holdBack: () => ingestor.underPressure() });
  // Harmless on several instances at once: every statement of the pass is idempotent.
  const retention = new PeriodicTask(
    'retention',
    () => new Retention(db, config.retentionDays, metrics).run(now()),
    { everyMs: options.retentionEveryMs ?? 3600_000, firstAfterMs: Math.min(60_000, options.retentionEveryMs ?? 60_000) },
    logger,
  );

  let accepting = true;
  const routers: Router[] = [
    healthRoutes(db, () => worker.ready()),
    metricsRoutes(metrics),
    ehealthRoutes({ secret: config.ehealthWebhookSecret, checker, ingestor, db, accepting: () => accepting, metrics }),
    viberRoutes(config.viber.authToken, bot?.inbox ?? null),
    adminRoutes({ db, adminToken: config.adminToken, now, wake, viberOn: viber !== null, logger, metrics }),
  ];
  const app = createApp(routers, logger, isDatabaseUnavailable, config.trustProxy);
  const server = createHttpServer(app, options.requestTimeoutMs);
  server.listen(config.port, config.host);
  try {
    await once(server, 'listening');
  } catch (error) {
    await Promise.allSettled([checker?.close(), db.close()]);
    ownerLock?.release();
    throw new ConfigError(listenProblem(error, config.port, config.host));
  }
  worker.start();
  retention.start();

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  logChannels(config, logger, url);
  if (viber && config.publicUrl) void registerWebhook(viber.api, `${config.publicUrl}/viber/webhook`, logger);

  let closing: Promise<void> | undefined;
  return {
    app,
    server,
    db,
    worker,
    queue,
    metrics,
    retention,
    url,
    close() {
      closing ??= (async () => {
        // Still listening while the sends in flight finish: a push meanwhile gets a 503 that tells
        // eHealth to retry (not a refused or reset connection), and /readyz answers 503.
        accepting = false;
        // Every answer from now on closes its connection, so that few keep-alive connections sit idle
        // (to be reset under a client's next request) when the listener closes.
        server.on('request', (_req, res) => res.setHeader('connection', 'close'));
        const grace = new Promise((resolve) => setTimeout(resolve, options.shutdownGraceMs ?? 1000));
        await worker.stop();
        await retention.stop();
        await grace;
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await Promise.race([serverClosed, new Promise((resolve) => setTimeout(resolve, 5000))]);
        server.closeAllConnections();
        await checker?.close();
        await db.close();
        ownerLock?.release();
      })();
      return closing;
    },
  };
}

function logChannels(config: Config, logger: Logger, url: string): void {
  const viber = config.viber.authToken
    ? `viber: on as "${config.viber.botName}"${config.publicUrl ? `, webhook ${config.publicUrl}/viber/webhook` : ' (PUBLIC_URL unset: register the webhook yourself)'}`
    : 'viber: off (VIBER_AUTH_TOKEN unset): every message goes by SMS';
  const sms = config.sms.providers.includes('console')
    ? `sms: ${config.sms.providers.join(' → ')} (console prints each SMS to this terminal instead of sending it)`
    : `sms: ${config.sms.providers.join(' → ')}`;
  const database = config.database.kind === 'sqlite' ? `sqlite ${config.database.path}` : 'postgres';
  const pushes = config.ehealthWebhookSecret ? 'eHealth pushes: on' : 'eHealth pushes: off (EHEALTH_WEBHOOK_SECRET unset: POST /ehealth/events answers 503)';
  logger.info({ url, database }, `Vistka listening on ${url} | ${viber} | ${sms} | ${pushes}`);
}

async function registerWebhook(api: ViberApi, url: string, logger: Logger): Promise<void> {
  try {
    const reply = await api.setWebhook(url, VIBER_EVENT_TYPES);
    if (reply.status === 0) logger.info({ url }, 'Viber webhook registered');
    else logger.error({ url, status: reply.status, message: reply.statusMessage }, 'Viber refused the webhook: check PUBLIC_URL (public HTTPS with a trusted certificate) and VIBER_AUTH_TOKEN');
  } catch (error) {
    logger.error({ url, err: error }, 'could not reach the Viber API to register the webhook');
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The database setting as the operator wrote it, without a PostgreSQL password. */
function describeDatabase(database: Config['database']): string {
  if (database.kind === 'sqlite') return `sqlite:${database.path}`;
  const url = new URL(database.url);
  if (url.password) url.password = '***';
  return url.toString();
}

/** Why the server could not listen, naming the variable to change. */
function listenProblem(error: unknown, port: number, host: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `PORT=${port} is already in use on HOST=${host}; stop the other server or choose another PORT.`;
  if (code === 'EACCES') return `PORT=${port} needs privileges this process does not have; choose a PORT above 1023.`;
  if (code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL' || code === 'EAI_AGAIN') {
    return `HOST=${host} is not an address of this machine (${code}); use 0.0.0.0, 127.0.0.1 or one of its addresses.`;
  }
  return `cannot listen on HOST=${host} PORT=${port}: ${messageOf(error)}`;
}
