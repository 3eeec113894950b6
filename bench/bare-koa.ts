/**
 * The baseline of the ingest bench: Koa with @koa/router reading and parsing the same JSON push and
 * answering 202, with no signature check, validation or storage. What Vistka adds is the difference.
 */
import Router from '@koa/router';
import Koa from 'koa';
import getRawBody from 'raw-body';
import { serveBaseline } from './lib/serve';

const app = new Koa();
const router = new Router();
router.post('/ehealth/events', async (ctx) => {
  const body = JSON.parse((await getRawBody(ctx.req, { limit: 64 * 1024 })).toString('utf8')) as { id?: string };
  ctx.status = 202;
  ctx.body = { id: body.id, status: 'queued' };
});
app.use(router.routes());
serveBaseline(app);
