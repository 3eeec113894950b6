import Router from '@koa/router';
import Koa from 'koa';
import { jsonErrors } from './http/errors';
import type { Logger } from './logger';

/**
 * The HTTP application: JSON errors around a set of routers. Each router is a thin adapter (auth,
 * parse, validate, hand over); nothing below this file knows it runs under Koa.
 */
export function createApp(routers: Router[], logger: Logger): Koa {
  const app = new Koa();
  app.proxy = true;
  app.silent = true;
  app.use(jsonErrors(logger));
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}
