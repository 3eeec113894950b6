import Router from '@koa/router';
import type { Database } from '../db/database';

/** Liveness for load balancers: 200 while the database answers. */
export function healthRoutes(db: Database, workerRunning: () => boolean): Router {
  const router = new Router();
  router.get('/healthz', async (ctx) => {
    const database = await db.isUsable();
    ctx.status = database ? 200 : 503;
    if (!database) ctx.set('retry-after', '5');
    ctx.body = { status: database ? 'ok' : 'unavailable', database: database ? 'ok' : 'unavailable' };
  });
  router.get('/readyz', async (ctx) => {
    const database = await db.isUsable();
    const worker = workerRunning();
    ctx.status = database && worker ? 200 : 503;
    if (ctx.status === 503) ctx.set('retry-after', '5');
    ctx.body = { status: database && worker ? 'ready' : 'not_ready', database: database ? 'ok' : 'unavailable', worker: worker ? 'running' : 'stopped' };
  });
  return router;
}
