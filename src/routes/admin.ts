import Router from '@koa/router';
import type { Context } from 'koa';
import type { EntityManager } from 'typeorm';
import { type AuditOutcome, appendAudit, byActor, listAudit, targets } from '../admin/audit';
import { authenticate } from '../admin/auth';
import { listEvents, resendEvent, staffEventView } from '../admin/events';
import { NOTE_FORMATS, noteContent, recordNotePrint } from '../admin/note';
import { NOTE_CSP, renderNoteHtml } from '../admin/note-html';
import { renderNotePdf } from '../admin/note-pdf';
import { type Actor, type StaffRole, hasRole } from '../admin/roles';
import { createStaff, issueToken, listStaff, parseStaffInput, removeStaff, revokeTokens } from '../admin/staff';
import { collectStats } from '../admin/stats';
import { endBinding, findBinding } from '../admin/subscribers';
import { EVENT_ID, InvalidInput, Problems, UUID, limitOf, oneOf, phoneOf, single } from '../admin/validate';
import type { Database } from '../db/database';
import { EVENT_TYPES } from '../ehealth/event';
import { normalizePhone } from '../ehealth/formats';
import { EVENT_STATUSES, EhealthEvent } from '../entities/EhealthEvent';
import { parseJson, readRawBody } from '../http/body';
import { HttpError } from '../http/errors';
import { LANGUAGES } from '../i18n';
import type { Logger } from '../logger';
import type { DeliveryMetrics } from '../metrics';
import { maskPhone } from '../privacy';

export interface AdminRouteDeps {
  db: Database;
  /** The bootstrap admin token from ADMIN_TOKEN, if set. */
  adminToken: string | undefined;
  now: () => number;
  /** Tells the worker a job is due now (after a resend). */
  wake: () => void;
  /** Viber is configured: patients whose binding ends are told there. */
  viberOn: boolean;
  logger: Logger;
  /** A resend puts the event back to `queued`, which the status counter counts. */
  metrics?: Pick<DeliveryMetrics, 'eventStatus'>;
}

/** What a change's audit line says beyond who and what: the target (if not the call's) and a detail. */
interface AuditLine {
  target?: string | null;
  detail?: string | null;
}

/** What a handler knows about the call it serves, for the audit line written when it ends. */
interface Call {
  action: string;
  actor: Actor;
  target: string | null;
  detail: string | null;
  /** Set once the handler wrote its audit line in its own transaction (together with its change). */
  audited: boolean;
}

const STAFF_BODY_LIMIT = 16 * 1024;

/** The staff API under /admin: bearer-token auth, roles, and an audit line for every call. */
export function adminRoutes(deps: AdminRouteDeps): Router {
  const router = new Router({ prefix: '/admin' });
  const { db } = deps;

  /**
   * Wraps a handler: authenticates (401), checks the role (403), runs it, and appends the audit
   * line, also for refusals and failures. `target` reads only the path, so a refused call is
   * recorded with what it aimed at.
   */
  function staffCall(action: string, role: StaffRole, target: (ctx: Context) => string | null, handler: (ctx: Context, call: Call) => Promise<void>) {
    return async (ctx: Context) => {
      ctx.set('cache-control', 'no-store');
      const aimedAt = safeTarget(ctx, target);
      const audit = (outcome: AuditOutcome, actor: Pick<Actor, 'key' | 'name'> | null, detail: string | null, target = aimedAt) =>
        db.tx((manager) =>
          appendAudit(
            manager,
            { via: 'http', actor: actor?.key ?? 'anonymous', actorName: actor?.name ?? null, action, target, outcome, detail, source: ctx.ip },
            deps.now(),
          ),
        );

      const auth = await authenticate(db.manager, deps.adminToken, ctx.get('authorization') || undefined);
      if (!auth.ok) {
        await audit('denied', null, auth.why);
        deps.logger.warn({ action, source: ctx.ip, why: auth.why }, 'admin call refused: not authenticated');
        throw new HttpError(401, 'unauthorized', 'Send a staff token: Authorization: Bearer <token>.', undefined, { 'www-authenticate': 'Bearer realm="vistka-admin"' });
      }
      const { actor } = auth;
      if (!hasRole(actor.role, role)) {
        await audit('forbidden', actor, `needs role ${role}, has ${actor.role}`);
        deps.logger.warn({ action, actor: actor.key }, 'admin call refused: role too low');
        throw new HttpError(403, 'forbidden', `This needs the ${role} role; your role is ${actor.role}.`);
      }
      const call: Call = { action, actor, target: aimedAt, detail: null, audited: false };
      try {
        await handler(ctx, call);
      } catch (error) {
        const httpError = error instanceof InvalidInput ? new HttpError(422, 'invalid_input', 'Some input is invalid; see fields.', error.fields) : error;
        if (!call.audited) {
          await audit(outcomeOf(httpError), actor, describeFailure(httpError), call.target).catch((auditError) =>
            deps.logger.error({ err: auditError, action }, 'could not write the audit line of a failed admin call'),
          );
        }
        throw httpError;
      }
      // The handler may have named the target (a phone from the query) once it had validated it.
      if (!call.audited) await audit('ok', actor, call.detail, call.target);
    };
  }

  /**
   * Runs a change and, when `line` returns one, its audit line in one transaction: both are written
   * or neither. `line` returns null when the change did not happen (the handler then throws, and
   * the wrapper records the refusal).
   */
  async function commit<T>(ctx: Context, call: Call, work: (manager: EntityManager) => Promise<T>, line: (result: T) => AuditLine | null): Promise<T> {
    let wrote = false;
    const result = await db.tx(async (manager) => {
      const value = await work(manager);
      const entry = line(value);
      wrote = entry !== null;
      if (entry) {
        await appendAudit(
          manager,
          { via: 'http', ...byActor(call.actor), action: call.action, target: entry.target ?? call.target, outcome: 'ok', detail: entry.detail ?? null, source: ctx.ip },
          deps.now(),
        );
      }
      return value;
    });
    call.audited = wrote;
    return result;
  }

  const eventTarget = (ctx: Context) => targets.event(String(ctx.params.id));
  const staffTarget = (ctx: Context) => targets.staff(String(ctx.params.id));
  const none = () => null;

  router.get(
    '/stats',
    staffCall('stats.view', 'operator', none, async (ctx) => {
      ctx.body = await collectStats(db.manager, deps.now());
    }),
  );

  router.get(
    '/events',
    staffCall('event.search', 'operator', none, async (ctx, call) => {
      const problems = new Problems();
      const status = oneOf(problems, 'status', single(problems, 'status', ctx.query.status), EVENT_STATUSES);
      const type = oneOf(problems, 'type', single(problems, 'type', ctx.query.type), EVENT_TYPES);
      const phone = phoneOf(problems, 'phone', single(problems, 'phone', ctx.query.phone), false);
      const limit = limitOf(problems, ctx.query.limit, 50, 200);
      problems.check();
      call.target = phone ? targets.phone(phone) : null;
      call.detail = [status && `status=${status}`, type && `type=${type}`].filter(Boolean).join(' ') || null;
      const events = await listEvents(db.manager, { status, type, phone, limit });
      ctx.body = { events };
    }),
  );

  router.get(
    '/events/:id',
    staffCall('event.view', 'operator', eventTarget, async (ctx) => {
      const view = await staffEventView(db.manager, eventId(ctx));
      if (!view) throw new HttpError(404, 'not_found', `No event with id ${ctx.params.id}.`);
      ctx.body = view;
    }),
  );

  router.post(
    '/events/:id/resend',
    staffCall('event.resend', 'operator', eventTarget, async (ctx, call) => {
      const id = eventId(ctx);
      const outcome = await commit(
        ctx,
        call,
        (manager) => resendEvent(manager, id, deps.now()),
        (result) => (result.kind === 'resent' ? { detail: `round ${result.round}` } : null),
      );
      switch (outcome.kind) {
        case 'resent':
          deps.metrics?.eventStatus(outcome.type, 'queued');
          deps.wake();
          ctx.status = 202;
          ctx.body = { id, status: 'queued', round: outcome.round };
          return;
        case 'not_found':
          throw new HttpError(404, 'not_found', `No event with id ${id}.`);
        case 'no_phone':
          throw new HttpError(409, 'no_phone', `Event ${id} has no phone number, so nothing can be sent: print the information note instead (GET /admin/events/${id}/note).`);
        case 'expired':
          throw new HttpError(409, 'expired', `The code of event ${id} expired at ${new Date(outcome.expiresAt).toISOString()}; a new one must come from eHealth.`);
        case 'no_code':
          throw new HttpError(409, 'no_code', `Event ${id} no longer holds its code (erased by retention); a new one must come from eHealth.`);
        case 'busy':
          throw new HttpError(409, 'busy', `Event ${id} is not resent: ${outcome.why}. Look at its timeline, and resend later if the patient still has nothing.`, undefined, {
            'retry-after': '5',
          });
      }
    }),
  );

  router.get(
    '/events/:id/note',
    staffCall('note.print', 'operator', eventTarget, async (ctx, call) => {
      const id = eventId(ctx);
      const problems = new Problems();
      const format = oneOf(problems, 'format', single(problems, 'format', ctx.query.format), NOTE_FORMATS) ?? 'html';
      const language = oneOf(problems, 'lang', single(problems, 'lang', ctx.query.lang), LANGUAGES) ?? 'uk';
      problems.check();
      const event = await db.manager.findOneBy(EhealthEvent, { id });
      if (!event) throw new HttpError(404, 'not_found', `No event with id ${id}.`);
      const now = deps.now();
      const note = noteContent(event, now, language);
      // Rendered before anything is recorded: a note that failed to render was not printed.
      const body = format === 'pdf' ? await renderNotePdf(note) : renderNoteHtml(note);
      // HEAD (which GET routes answer too) asks about the note without taking it: nothing was printed.
      if (ctx.method === 'GET') {
        await commit(
          ctx,
          call,
          (manager) => recordNotePrint(manager, event, format, now),
          () => ({ detail: format }),
        );
      } else {
        call.detail = `${ctx.method}: nothing printed`;
      }
      ctx.set('x-content-type-options', 'nosniff');
      if (format === 'pdf') {
        ctx.type = 'application/pdf';
        ctx.set('content-disposition', `inline; filename="dovidka-${id.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf"`);
      } else {
        ctx.type = 'text/html; charset=utf-8';
        ctx.set('content-security-policy', NOTE_CSP);
      }
      ctx.body = body;
    }),
  );

  router.get(
    '/subscribers',
    staffCall('subscriber.find', 'operator', none, async (ctx, call) => {
      const problems = new Problems();
      const phone = phoneOf(problems, 'phone', single(problems, 'phone', ctx.query.phone), true);
      problems.check();
      call.target = targets.phone(phone);
      ctx.body = await findBinding(db.manager, phone as string);
    }),
  );

  router.delete(
    '/subscribers/:phone',
    staffCall('subscriber.delete', 'admin', (ctx) => targets.phone(normalizePhone(String(ctx.params.phone)) ?? String(ctx.params.phone)), async (ctx, call) => {
      const problems = new Problems();
      const phone = phoneOf(problems, 'phone', String(ctx.params.phone), true) as string;
      problems.check();
      call.target = targets.phone(phone);
      const ended = await commit(
        ctx,
        call,
        (manager) => endBinding(manager, phone, deps.now(), deps.viberOn),
        (result) => (result ? { detail: `ended ${result.ended}, told ${result.notified} in Viber` } : null),
      );
      if (!ended) throw new HttpError(404, 'not_found', `${maskPhone(phone)} has no Viber binding.`);
      if (ended.notified > 0) deps.wake();
      ctx.body = { phone, ended: ended.ended, notified: ended.notified };
    }),
  );

  router.post(
    '/staff',
    staffCall('staff.create', 'admin', none, async (ctx, call) => {
      const input = parseStaffInput(parseJson(await readRawBody(ctx, STAFF_BODY_LIMIT)));
      const outcome = await commit(
        ctx,
        call,
        (manager) => createStaff(manager, input, deps.now()),
        (result) => (result.kind === 'created' ? { target: targets.staff(result.member.id), detail: `role ${input.role}` } : null),
      );
      if (outcome.kind === 'viber_taken') {
        throw new HttpError(409, 'viber_id_taken', 'Another staff member already has this Viber id.', [{ field: 'viber_id', problem: 'already belongs to another staff member' }]);
      }
      ctx.status = 201;
      ctx.body = outcome.member;
    }),
  );

  router.get(
    '/staff',
    staffCall('staff.list', 'admin', none, async (ctx) => {
      ctx.body = { staff: await listStaff(db.manager) };
    }),
  );

  router.delete(
    '/staff/:id',
    staffCall('staff.delete', 'admin', staffTarget, async (ctx, call) => {
      const id = staffId(ctx);
      const removed = await commit(
        ctx,
        call,
        (manager) => removeStaff(manager, id, deps.now()),
        (member) => (member ? {} : null),
      );
      if (!removed) throw new HttpError(404, 'not_found', `No current staff member with id ${id}.`);
      ctx.body = { ...removed, removed: true };
    }),
  );

  router.post(
    '/staff/:id/tokens',
    staffCall('token.issue', 'admin', staffTarget, async (ctx, call) => {
      const id = staffId(ctx);
      const token = await commit(
        ctx,
        call,
        (manager) => issueToken(manager, id, deps.now()),
        (issued) => (issued ? {} : null),
      );
      if (!token) throw new HttpError(404, 'not_found', `No current staff member with id ${id}.`);
      ctx.status = 201;
      ctx.body = { token };
    }),
  );

  router.delete(
    '/staff/:id/tokens',
    staffCall('token.revoke', 'admin', staffTarget, async (ctx, call) => {
      const id = staffId(ctx);
      const revoked = await commit(
        ctx,
        call,
        (manager) => revokeTokens(manager, id),
        (count) => (count === null ? null : { detail: `${count} token(s)` }),
      );
      if (revoked === null) throw new HttpError(404, 'not_found', `No current staff member with id ${id}.`);
      ctx.body = { id, revoked };
    }),
  );

  router.get(
    '/audit',
    staffCall('audit.view', 'admin', none, async (ctx) => {
      const problems = new Problems();
      const limit = limitOf(problems, ctx.query.limit, 100, 500);
      problems.check();
      ctx.body = { entries: await listAudit(db.manager, limit) };
    }),
  );

  // Anything else under /admin: authenticated first, so that without a token the answer does not
  // tell which paths exist; then 405 for a known path with another method, 404 for the rest.
  const known = router.stack.slice();
  const elsewhere = staffCall('path.unknown', 'operator', none, async (ctx) => {
    const allowed = [...new Set(known.filter((layer) => layer.match(ctx.path)).flatMap((layer) => layer.methods))];
    if (allowed.length > 0) {
      throw new HttpError(405, 'method_not_allowed', `${ctx.method} is not allowed here; use ${allowed.join(', ')}.`, undefined, { allow: allowed.join(', ') });
    }
    // The path stays out of the message: the audit line repeats it, and a path can hold a phone number.
    throw new HttpError(404, 'not_found', `There is no such admin endpoint for ${ctx.method}; README, "Staff → Vistka", lists them.`);
  });
  router.all('/', elsewhere);
  router.all('/{*rest}', elsewhere);

  return router;
}

function eventId(ctx: Context): string {
  const id = String(ctx.params.id);
  if (!EVENT_ID.test(id)) throw new InvalidInput([{ field: 'id', problem: 'must be an event id: 1–128 characters of A-Z a-z 0-9 . _ : -' }]);
  return id;
}

function staffId(ctx: Context): string {
  const id = String(ctx.params.id);
  if (!UUID.test(id)) throw new InvalidInput([{ field: 'id', problem: 'must be a staff id (a UUID)' }]);
  return id.toLowerCase();
}

/** A target from the path, cut short: a refused caller controls what it says. */
function safeTarget(ctx: Context, target: (ctx: Context) => string | null): string | null {
  const value = target(ctx);
  return value === null ? null : value.slice(0, 200);
}

/** What went wrong, for the audit line: the answer's message and the fields it named (never their values). */
function describeFailure(error: unknown): string {
  if (!(error instanceof HttpError)) return 'internal error';
  return error.fields ? `${error.message} ${error.fields.map((f) => `${f.field}: ${f.problem}`).join('; ')}` : error.message;
}

function outcomeOf(error: unknown): AuditOutcome {
  if (!(error instanceof HttpError)) return 'error';
  if (error.status === 401) return 'denied';
  if (error.status === 403) return 'forbidden';
  if (error.status === 404) return 'not_found';
  if (error.status === 409) return 'conflict';
  if (error.status < 500) return 'invalid';
  return 'error';
}
