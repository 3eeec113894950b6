import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditEntry } from '../../src/entities/AuditEntry';
import { openDatabase } from '../../src/db/database';
import { Harness } from '../helpers/harness';
import { api } from './helpers';

const ROOT = join(__dirname, '..', '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run -s admin -- <args>` in the project, against `databaseUrl`, as an operator at the shell would. */
function admin(databaseUrl: string, ...args: string[]): Promise<Run> {
  return adminWith({ NODE_ENV: 'development' }, databaseUrl, ...args);
}

function adminWith(extraEnv: Record<string, string>, databaseUrl: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, ...extraEnv };
    delete env.ADMIN_TOKEN;
    delete env.SMS_PROVIDER;
    const child = spawn('npm', ['run', '-s', 'admin', '--', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run admin (the CLI)', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'vistka-cli-'));
  const database = `sqlite:${join(dir, 'vistka.sqlite')}`;
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a staff member with a token, lists staff, shows stats, all audited as cli', async () => {
    const created = await admin(database, 'create-staff', '--name', 'Олена Коваль', '--role', 'admin', '--viber-id', 'cli-viber-id==', '--token');
    expect(created.code, created.stderr).to.equal(0);
    const member = JSON.parse(created.stdout);
    expect(member).to.include({ name: 'Олена Коваль', role: 'admin', viber_id: 'cli-viber-id==' });
    expect(member.token).to.match(/^vst_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).to.contain('shown only now');

    const listed = await admin(database, 'list-staff');
    expect(listed.code).to.equal(0);
    expect(JSON.parse(listed.stdout).staff).to.deep.equal([
      { id: member.id, name: 'Олена Коваль', role: 'admin', viber_id: 'cli-viber-id==', created_at: JSON.parse(listed.stdout).staff[0].created_at, tokens: 1 },
    ]);
    expect(listed.stdout).not.to.contain(member.token);

    const stats = await admin(database, 'stats');
    expect(stats.code).to.equal(0);
    expect(JSON.parse(stats.stdout).today.events.total).to.equal(0);

    const db = await openDatabase({ kind: 'sqlite', path: join(dir, 'vistka.sqlite') });
    try {
      const lines = await db.manager.find(AuditEntry, { order: { id: 'ASC' } });
      expect(lines.map((l) => [l.via, l.action, l.outcome])).to.deep.equal([
        ['cli', 'staff.create', 'ok'],
        ['cli', 'token.issue', 'ok'],
        ['cli', 'staff.list', 'ok'],
        ['cli', 'stats.view', 'ok'],
      ]);
      expect(lines.every((l) => l.actor.startsWith('cli:'))).to.equal(true);
      expect(JSON.stringify(lines)).not.to.contain(member.token);
    } finally {
      await db.close();
    }
  });

  it('refuses bad input with exit code 1 naming the option, and wrong usage (command, missing or repeated option) with 2', async () => {
    const bad = await admin(database, 'create-staff', '--name', 'X', '--role', 'boss');
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('--role must be one of operator, admin');
    const unknown = await admin(database, 'make-coffee');
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain('unknown command "make-coffee"').and.contain('Usage:');
    for (const args of [['create-staff', '--name', 'X'], ['create-staff', '--role', 'operator'], ['create-staff', '--name', 'Y', '--name', 'Z', '--role', 'operator']]) {
      const usage = await admin(database, ...args);
      expect(usage.code, args.join(' ')).to.equal(2);
      expect(usage.stderr).to.match(/are required|more than once/).and.contain('Usage:');
    }
    const missing = await admin(database, 'issue-token', '00000000-0000-4000-8000-000000000000');
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain('no current staff member');
  });

  it('reads only a database that exists: a mistyped DATABASE_URL is refused, not created empty', async () => {
    const typo = join(dir, 'vistka.sqlit');
    for (const args of [['list-staff'], ['stats'], ['audit'], ['issue-token', '00000000-0000-4000-8000-000000000000']]) {
      const run = await admin(`sqlite:${typo}`, ...args);
      expect(run.code, args[0]).to.equal(1);
      expect(run.stderr).to.contain(`there is no database at ${typo}`);
    }
    expect(existsSync(typo)).to.equal(false);
    const first = await admin(`sqlite:${typo}`, 'create-staff', '--name', 'Перша', '--role', 'admin');
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stderr).to.contain(`created a new database at ${typo}`);
    expect((await admin(`sqlite:${typo}`, 'list-staff')).code).to.equal(0);
  });

  it('needs only DATABASE_URL: a production shell without the SMS and Viber settings still runs it', async () => {
    const listed = await adminWith({ NODE_ENV: 'production', PORT: 'not-a-port' }, database, 'list-staff');
    expect([listed.code, listed.stderr]).to.deep.equal([0, '']);
    expect(JSON.parse(listed.stdout).staff).to.be.an('array');
  });

  it('issues a token that a running server on the same database accepts', async () => {
    const h = await new Harness().start();
    try {
      const created = await admin(h.database.url, 'create-staff', '--name', 'Перший адмін', '--role', 'admin');
      expect(created.code, created.stderr).to.equal(0);
      const { id } = JSON.parse(created.stdout);
      const issued = await admin(h.database.url, 'issue-token', id);
      expect(issued.code, issued.stderr).to.equal(0);
      const { token } = JSON.parse(issued.stdout);
      const reply = await api(h, 'GET', '/admin/staff', token);
      expect(reply.status).to.equal(200);
      expect(reply.json.staff.map((s: { id: string }) => s.id)).to.deep.equal([id]);
      // A leaked token is revoked; the member stays and gets a new one.
      const revoked = await admin(h.database.url, 'revoke-tokens', id);
      expect([revoked.code, JSON.parse(revoked.stdout)]).to.deep.equal([0, { id, revoked: 1 }]);
      expect((await api(h, 'GET', '/admin/staff', token)).status).to.equal(401);
      const fresh = JSON.parse((await admin(h.database.url, 'issue-token', id)).stdout).token;
      expect((await api(h, 'GET', '/admin/staff', fresh)).status).to.equal(200);
      const removed = await admin(h.database.url, 'remove-staff', id);
      expect(removed.code).to.equal(0);
      expect((await api(h, 'GET', '/admin/staff', fresh)).status).to.equal(401);
    } finally {
      await h.stop();
    }
  });
});
