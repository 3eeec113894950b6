import { expect } from 'chai';
import { AuditEntry } from '../../src/entities/AuditEntry';
import type { Harness, Reply } from '../helpers/harness';

/** The bootstrap ADMIN_TOKEN of admin tests (at least 24 characters, as the server demands). */
export const ADMIN_TOKEN = 'test-admin-bootstrap-token-0123456789';

/** Env for a Harness with the admin API open to ADMIN_TOKEN. */
export const ADMIN_ENV = { ADMIN_TOKEN };

/** Calls the admin API, with `Authorization: Bearer <token>` unless `token` is null. */
export function api(h: Harness, method: string, path: string, token: string | null, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...extraHeaders };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let text: string | undefined;
  if (body !== undefined) {
    text = typeof body === 'string' ? body : JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  return h.http(method, path, text, headers);
}

/** Creates a staff member through the API and issues them a token. */
export async function makeStaff(h: Harness, role: 'operator' | 'admin', name = `${role} ${Math.random().toString(36).slice(2, 7)}`, viberId?: string) {
  const created = await api(h, 'POST', '/admin/staff', ADMIN_TOKEN, { name, role, ...(viberId ? { viber_id: viberId } : {}) });
  expect(created.status, created.text).to.equal(201);
  const issued = await api(h, 'POST', `/admin/staff/${created.json.id}/tokens`, ADMIN_TOKEN);
  expect(issued.status, issued.text).to.equal(201);
  return { id: created.json.id as string, name, token: issued.json.token as string };
}

/** Every audit line, oldest first, straight from the table. */
export async function auditLines(h: Harness): Promise<AuditEntry[]> {
  return h.vistka.db.manager.find(AuditEntry, { order: { id: 'ASC' } });
}

/** The audit lines written since `after` (an id). */
export async function auditSince(h: Harness, after: number): Promise<AuditEntry[]> {
  return (await auditLines(h)).filter((line) => Number(line.id) > after);
}

/** The id of the newest audit line (0 when there is none). */
export async function lastAuditId(h: Harness): Promise<number> {
  const lines = await auditLines(h);
  return lines.length === 0 ? 0 : Number(lines[lines.length - 1].id);
}

/**
 * Asserts that no audit line holds any of `secrets` (codes, full phones in any spelling) as a value of
 * its own: not inside a longer run of digits or hex (a timestamp, an id), where a 4-digit code can
 * turn up by chance (a CI run failed on '8264' that way).
 */
export async function expectAuditFree(h: Harness, secrets: string[]): Promise<void> {
  const text = JSON.stringify(await auditLines(h));
  for (const secret of secrets) {
    const escaped = secret.replace(/[+]/g, '\\+');
    expect(new RegExp(`(?<![0-9a-fA-F+])${escaped}(?![0-9a-fA-F])`).test(text), `audit log contains ${secret}`).to.equal(false);
  }
}
