import Router from '@koa/router';
import Koa from 'koa';
import { jsonErrors } from './http/errors';
import type { Logger } from './logger';

/**
 * The HTTP application: JSON errors around a set of routers. Each router is a thin adapter (auth,
 * parse, validate, hand over); nothing below this file knows it runs under Koa.
 */
export function createApp(routers: Router[], logger: Logger, unavailable?: (error: unknown) => boolean, trustProxy = false): Koa {
  const app = new Koa();
  // Only behind a proxy of ours is X-Forwarded-For an address: otherwise any client could write the
  // source the audit log records. Of the list, only the last entry, which our proxy added, counts.
  app.proxy = trustProxy;
  app.maxIpsCount = 1;
  app.silent = true;
  app.use(jsonErrors(logger, unavailable));
  // Mounted on one root, their routes are matched in one pass: a request no longer walks a chain of
  // routers (and their allowedMethods) before reaching its own, which cost ~5 % of a push's CPU.
  const root = new Router();
  for (const router of routers) root.use(router.routes());
  app.use(root.routes());
  app.use(root.allowedMethods());
  return app;
}
