import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { EntityManager } from 'typeorm';
import { ConfigError, type DatabaseConfig, loadDatabaseConfig, readDotEnv } from '../config';
import { type Database, openDatabase } from '../db/database';
import { type AuditOutcome, appendAudit, listAudit, targets } from './audit';
import { createStaff, issueToken, listStaff, parseStaffInput, removeStaff, revokeTokens, type StaffView } from './staff';
import { collectStats } from './stats';
import { InvalidInput, UUID } from './validate';

const USAGE = `Usage: npm run -s admin -- <command> [options]

  create-staff --name <name> --role operator|admin [--viber-id <id>] [--token]
                              add a staff member (--token: issue an API token at once)
  issue-token <staff-id>      issue an API token (printed once; only its hash is kept)
  revoke-tokens <staff-id>    revoke every API token of a staff member (they stay staff)
  list-staff                  current staff members
  remove-staff <staff-id>     remove a staff member and delete their tokens
  stats                       today's and the last 7 days' figures, subscribers, queue
  audit [--limit <n>]         the newest audit lines (default 50)
  help                        this text

Works on the database the server uses (DATABASE_URL, from the environment or .env).
Every command except help is written to the audit log as cli:<your user name>.`;

/** The commands that act on one staff member: the audit action and the change (null: no such member). */
const STAFF_STEPS: Record<'issue-token' | 'revoke-tokens' | 'remove-staff', { action: string; run: (manager: EntityManager, id: string, now: number) => Promise<string | number | StaffView | null> }> = {
  'issue-token': { action: 'token.issue', run: (manager, id, now) => issueToken(manager, id, now) },
  'revoke-tokens': { action: 'token.revoke', run: (manager, id) => revokeTokens(manager, id) },
  'remove-staff': { action: 'staff.delete', run: (manager, id, now) => removeStaff(manager, id, now) },
};

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** Exit codes: 0 done, 1 refused or failed, 2 wrong usage. */
export type ExitCode = 0 | 1 | 2;

class Usage extends Error {}
/** A command that cannot be carried out here: exit 1 with its message. */
class Refusal extends Error {}

/** Runs one admin command against the configured database and returns the exit code. */
export async function runAdminCli(argv: string[], env: Record<string, string | undefined>, io: CliIo, now: () => number = Date.now): Promise<ExitCode> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  // Only the database: the shell of a production server may lack the SMS and Viber settings, and needs none.
  let config: { database: DatabaseConfig };
  try {
    config = { database: loadDatabaseConfig(env) };
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`vistka admin: ${error.message}`);
      return 1;
    }
    throw error;
  }
  let db: Database | undefined;
  const actor = { actor: `cli:${osUser(env)}`, actorName: osUser(env) };
  const audit = (action: string, outcome: AuditOutcome, target: string | null, detail: string | null = null) =>
    (db as Database).tx((manager) => appendAudit(manager, { via: 'cli', ...actor, action, target, outcome, detail }, now()));
  const print = (value: unknown) => io.out(JSON.stringify(value, null, 2));

  try {
    switch (command) {
      case 'create-staff': {
        const { values, tokens } = parseArgs({
          args: rest,
          options: { name: { type: 'string' }, role: { type: 'string' }, 'viber-id': { type: 'string' }, token: { type: 'boolean' } },
          strict: true,
          allowPositionals: false,
          tokens: true,
        });
        noRepeatedOptions(tokens);
        if (values.name === undefined || values.role === undefined) throw new Usage('create-staff: --name and --role are required');
        db = await open(config.database, io, true);
        let input;
        try {
          input = parseStaffInput({ name: values.name, role: values.role, viber_id: values['viber-id'] });
        } catch (error) {
          if (!(error instanceof InvalidInput)) throw error;
          await audit('staff.create', 'invalid', null, error.message);
          io.err(`vistka admin: ${error.fields.map((f) => `--${f.field.replace('_', '-')} ${f.problem}`).join('; ')}`);
          return 1;
        }
        const database = db;
        const created = await database.tx(async (manager) => {
          const outcome = await createStaff(manager, input, now());
          if (outcome.kind !== 'created') return outcome;
          await appendAudit(manager, { via: 'cli', ...actor, action: 'staff.create', target: targets.staff(outcome.member.id), outcome: 'ok', detail: `role ${input.role}` }, now());
          const token = values.token ? await issueToken(manager, outcome.member.id, now()) : null;
          if (token) await appendAudit(manager, { via: 'cli', ...actor, action: 'token.issue', target: targets.staff(outcome.member.id), outcome: 'ok' }, now());
          return { ...outcome, token };
        });
        if (created.kind === 'viber_taken') {
          await audit('staff.create', 'conflict', null, 'viber_id already belongs to another staff member');
          io.err('vistka admin: --viber-id already belongs to another staff member');
          return 1;
        }
        print(created.token ? { ...created.member, token: created.token } : created.member);
        if (created.token) io.err('The token is shown only now: hand it over, then clear this terminal.');
        return 0;
      }
      case 'issue-token':
      case 'revoke-tokens':
      case 'remove-staff': {
        const id = onePositional(rest, '<staff-id>').toLowerCase();
        if (!UUID.test(id)) throw new Usage(`${command}: <staff-id> must be a staff id (a UUID, see list-staff)`);
        db = await open(config.database, io, false);
        const database = db;
        const step = STAFF_STEPS[command];
        const result = await database.tx(async (manager) => {
          const value = await step.run(manager, id, now());
          if (value !== null) await appendAudit(manager, { via: 'cli', ...actor, action: step.action, target: targets.staff(id), outcome: 'ok' }, now());
          return value;
        });
        if (result === null) {
          await audit(step.action, 'not_found', targets.staff(id));
          io.err(`vistka admin: no current staff member with id ${id}`);
          return 1;
        }
        if (typeof result === 'string') {
          print({ token: result });
          io.err('The token is shown only now: hand it over, then clear this terminal.');
        } else if (typeof result === 'number') {
          print({ id, revoked: result });
        } else {
          print({ ...result, removed: true });
        }
        return 0;
      }
      case 'list-staff': {
        noArguments(rest, command);
        db = await open(config.database, io, false);
        const staff = await listStaff(db.manager);
        await audit('staff.list', 'ok', null);
        print({ staff });
        return 0;
      }
      case 'stats': {
        noArguments(rest, command);
        db = await open(config.database, io, false);
        const stats = await collectStats(db.manager, now());
        await audit('stats.view', 'ok', null);
        print(stats);
        return 0;
      }
      case 'audit': {
        const { values, tokens } = parseArgs({ args: rest, options: { limit: { type: 'string' } }, strict: true, allowPositionals: false, tokens: true });
        noRepeatedOptions(tokens);
        const limit = values.limit === undefined ? 50 : Number(values.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Usage('audit: --limit must be a whole number from 1 to 1000');
        db = await open(config.database, io, false);
        const entries = await listAudit(db.manager, limit);
        await audit('audit.view', 'ok', null);
        print({ entries });
        return 0;
      }
      default:
        throw new Usage(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof Usage || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`vistka admin: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`vistka admin: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await db?.close();
  }
}

/**
 * Opens the server's database. A SQLite file that is not there is most likely a mistyped
 * DATABASE_URL or another working directory: reading it would show an empty, made-up state, so
 * only create-staff (the first admin, before the server ever ran) may create it, and says where.
 */
async function open(database: DatabaseConfig, io: CliIo, mayCreate: boolean): Promise<Database> {
  if (database.kind === 'sqlite' && !existsSync(database.path)) {
    const where = resolve(database.path);
    if (!mayCreate) {
      throw new Refusal(`there is no database at ${where} (DATABASE_URL). Run this where the server runs, with its DATABASE_URL (or .env); npm start creates the database.`);
    }
    io.err(`vistka admin: created a new database at ${where}; the server must use the same DATABASE_URL to see this staff member.`);
  }
  return openDatabase(database);
}

/** A repeated option is wrong usage: parseArgs would silently keep the last one. */
function noRepeatedOptions(tokens: Array<{ kind: string; name?: string }>): void {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined) continue;
    if (seen.has(token.name)) throw new Usage(`--${token.name} is given more than once`);
    seen.add(token.name);
  }
}

function onePositional(args: string[], name: string): string {
  if (args.length !== 1 || args[0].startsWith('-')) throw new Usage(`expected exactly one argument: ${name}`);
  return args[0];
}

function noArguments(args: string[], command: string): void {
  if (args.length > 0) throw new Usage(`${command} takes no arguments`);
}

/** Who is at the shell, for the audit log. */
function osUser(env: Record<string, string | undefined>): string {
  try {
    return userInfo().username || env.USER || 'unknown';
  } catch {
    return env.USER || 'unknown';
  }
}

if (require.main === module) {
  readDotEnv();
  runAdminCli(process.argv.slice(2), process.env, { out: (text) => process.stdout.write(`${text}\n`), err: (text) => process.stderr.write(`${text}\n`) })
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error) => {
      process.stderr.write(`vistka admin: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}
