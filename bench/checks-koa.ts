/**
 * The second baseline of the ingest bench: bare Koa plus the checks Vistka runs on every push
 * (signature, validation and normalisation, fingerprint), answering 202 without storage. Between
 * it and bare Koa lies the cost of the checks; between it and Vistka, the cost of durable storage
 * and delivery.
 */
import Router from '@koa/router';
import Koa from 'koa';
import getRawBody from 'raw-body';
import { eventFingerprint, parseEvent } from '../src/ehealth/event';
import { verifyEhealthSignature } from '../src/ehealth/signature';
import { BENCH_SECRET } from './lib/pushes';
import { serveBaseline } from './lib/serve';

const app = new Koa();
const router = new Router();
router.post('/ehealth/events', async (ctx) => {
  const raw = await getRawBody(ctx.req, { limit: 64 * 1024 });
  const check = verifyEhealthSignature(BENCH_SECRET, ctx.get('x-ehealth-signature') || undefined, raw);
  const parsed = check.ok ? parseEvent(JSON.parse(raw.toString('utf8'))) : null;
  if (!parsed?.ok) {
    ctx.status = check.ok ? 422 : 401;
    return;
  }
  eventFingerprint(parsed.event);
  ctx.status = 202;
  ctx.body = { id: parsed.event.id, status: 'queued' };
});
app.use(router.routes());
serveBaseline(app);
