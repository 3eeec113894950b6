/**
 * The second baseline of the ingest bench: bare Koa plus the checks Vistka runs on every push
 * (signature, JSON, validation and normalisation, fingerprint), run as Vistka runs them, on the
 * push-check thread, answering 202 without storage. Between it and bare Koa lies the cost of the
 * checks; between it and Vistka, the cost of durable storage and delivery.
 */
import Router from '@koa/router';
import Koa from 'koa';
import getRawBody from 'raw-body';
import { PushChecker } from '../src/ehealth/push-checker';
import { BENCH_SECRET } from './lib/pushes';
import { serveBaseline } from './lib/serve';

const checker = new PushChecker(BENCH_SECRET);
const app = new Koa();
const router = new Router();
router.post('/ehealth/events', async (ctx) => {
  const raw = await getRawBody(ctx.req, { limit: 64 * 1024 });
  const check = await checker.check(ctx.get('x-ehealth-signature') || undefined, raw);
  if (!check.ok) {
    ctx.status = check.status;
    return;
  }
  ctx.status = 202;
  ctx.body = { id: check.event.id, status: 'queued' };
});
app.use(router.routes());
serveBaseline(app);
