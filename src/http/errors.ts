import type { Context, Next } from 'koa';
import type { Logger } from '../logger';

export interface FieldProblem {
  field: string;
  problem: string;
}

/** An HTTP error whose JSON body tells the client what was wrong and what to do. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldProblem[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, fields?: FieldProblem[]) {
  return { error: fields ? { code, message, fields } : { code, message } };
}

const STATUS_CODES: Record<number, [string, string]> = {
  404: ['not_found', 'No such resource.'],
  405: ['method_not_allowed', 'This method is not allowed here.'],
};

/**
 * Turns every error into a JSON answer: an HttpError into its own status; an error that `unavailable`
 * recognises (the database cannot work right now) into a 503 with Retry-After, logged; anything
 * else into a 500 that is logged (with the stack) but never shown to the client.
 */
export function jsonErrors(logger: Logger, unavailable: (error: unknown) => boolean = () => false) {
  return async function jsonErrorsMiddleware(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if ((ctx.status === 404 || ctx.status === 405) && !ctx.body) {
        const [code, message] = STATUS_CODES[ctx.status];
        const status = ctx.status;
        ctx.body = errorBody(code, ctx.status === 405 ? `${ctx.method} is not allowed on ${ctx.path}.` : message);
        ctx.status = status;
      }
    } catch (error) {
      if (error instanceof HttpError) {
        ctx.status = error.status;
        ctx.body = errorBody(error.code, error.message, error.fields);
        for (const [name, value] of Object.entries(error.headers ?? {})) ctx.set(name, value);
        return;
      }
      if (unavailable(error)) {
        logger.error({ err: error, method: ctx.method, path: ctx.path }, 'the database is unavailable: answered 503');
        ctx.status = 503;
        ctx.body = errorBody('unavailable', 'The database is not answering right now, so the request may not have been completed. Retry it shortly (a push retried with the same id and body is answered once).');
        ctx.set('retry-after', '5');
        return;
      }
      logger.error({ err: error, method: ctx.method, path: ctx.path }, 'unhandled error');
      ctx.status = 500;
      ctx.body = errorBody('internal_error', 'Something went wrong on our side; the request was not completed. Try again.');
    }
  };
}
