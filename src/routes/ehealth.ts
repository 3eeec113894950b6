import Router from '@koa/router';
import type { Context } from 'koa';
import type { Database } from '../db/database';
import type { EventIngestor } from '../delivery/ingest';
import { eventView } from '../delivery/status';
import type { PushChecker } from '../ehealth/push-checker';
import { verifyEhealthSignature } from '../ehealth/signature';
import { readRawBody } from '../http/body';
import { HttpError } from '../http/errors';
import type { DeliveryMetrics } from '../metrics';

export interface EhealthRouteDeps {
  secret: string | undefined;
  /** Checks pushes (signature, JSON, fields); null when there is no secret to check them with. */
  checker: PushChecker | null;
  ingestor: EventIngestor;
  db: Database;
  /** False while shutting down: new pushes get a 503 and eHealth retries them elsewhere or later. */
  accepting: () => boolean;
  /** Counts the pushes refused before the outbox (401, 400, 413, 415, 422, 503). */
  metrics: Pick<DeliveryMetrics, 'pushRefused'>;
}

/** eHealth → Vistka: signed pushes of events, and their delivery status. */
export function ehealthRoutes(deps: EhealthRouteDeps): Router {
  const router = new Router();

  function authenticate(ctx: Context, body: Buffer): void {
    if (!deps.secret) throw notConfigured();
    const check = verifyEhealthSignature(deps.secret, ctx.get('x-ehealth-signature') || undefined, body);
    if (!check.ok) throw new HttpError(401, 'invalid_signature', check.reason);
  }

  router.post('/ehealth/events', async (ctx) => {
    try {
      await acceptPush(ctx);
    } catch (error) {
      // A 409 is counted with the pushes the outbox answered (vistka_pushes_total, outcome conflict).
      if (error instanceof HttpError && error.code !== 'id_conflict') deps.metrics.pushRefused(error.status, error.code);
      throw error;
    }
  });

  async function acceptPush(ctx: Context): Promise<void> {
    if (!deps.accepting()) {
      // `connection: close`: the client's next try opens a new connection, to an instance that is up.
      throw new HttpError(503, 'shutting_down', 'This instance is shutting down; retry the push.', undefined, { 'retry-after': '1', connection: 'close' });
    }
    if (!deps.checker) throw notConfigured();
    const raw = await readRawBody(ctx);
    const check = await deps.checker.check(ctx.get('x-ehealth-signature') || undefined, raw);
    if (!check.ok) throw new HttpError(check.status, check.code, check.message, check.fields);
    const outcome = await deps.ingestor.submit(check.event, check.fingerprint);
    if (outcome.kind === 'conflict') {
      throw new HttpError(409, 'id_conflict', `Event ${outcome.id} was already received with a different body; use a new id for a new event.`);
    }
    ctx.status = outcome.kind === 'accepted' ? 202 : 200;
    ctx.body = { id: outcome.id, status: outcome.status };
  }

  router.get('/ehealth/events/:id', async (ctx) => {
    authenticate(ctx, Buffer.alloc(0));
    const view = await eventView(deps.db.manager, ctx.params.id);
    if (!view) throw new HttpError(404, 'not_found', `No event with id ${ctx.params.id}.`);
    ctx.body = view;
  });

  return router;
}

const notConfigured = () =>
  new HttpError(503, 'not_configured', 'EHEALTH_WEBHOOK_SECRET is not set on this server, so no push can be authenticated.');
