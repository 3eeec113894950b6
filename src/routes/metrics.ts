import Router from '@koa/router';
import type { PrometheusMetrics } from '../metrics';

/**
 * `GET /metrics` in Prometheus's text format. It carries no phone, code or id, only counts and
 * timings; still, expose it to the monitoring network, not to the internet.
 */
export function metricsRoutes(metrics: PrometheusMetrics): Router {
  const router = new Router();
  router.get('/metrics', async (ctx) => {
    const { contentType, body } = await metrics.render();
    ctx.set('content-type', contentType);
    ctx.body = body;
  });
  return router;
}
