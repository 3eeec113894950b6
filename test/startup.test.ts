import { expect } from 'chai';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startVistka } from '../src/server';

/** What start-up says when it cannot come up, or null when it did. */
async function startFailure(env: Record<string, string>): Promise<string | null> {
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', DATABASE_URL: 'sqlite::memory:', ...env });
  return startVistka(config, { logger: createLogger('silent'), shutdownGraceMs: 0 }).then(
    async (vistka) => {
      await vistka.close();
      return null;
    },
    (error: Error) => error.message,
  );
}

describe('start-up problems outside the configuration parser', () => {
  let folder: string;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'vistka-startup-'));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('names PORT when the port is taken, and HOST when it is not an address of this machine', async () => {
    const other = createServer().listen(0, '127.0.0.1');
    await once(other, 'listening');
    try {
      const port = String((other.address() as AddressInfo).port);
      expect(await startFailure({ PORT: port })).to.match(new RegExp(`^PORT=${port} is already in use on HOST=127.0.0.1`));
    } finally {
      other.close();
    }
    expect(await startFailure({ HOST: '192.0.2.77' })).to.match(/^HOST=192\.0\.2\.77 is not an address of this machine/);
  });

  it('names DATABASE_URL when the file is not a database or is a folder', async () => {
    const notDatabase = join(folder, 'notes.txt');
    writeFileSync(notDatabase, 'these are not the pages of a database, '.repeat(200));
    expect(await startFailure({ DATABASE_URL: `sqlite:${notDatabase}` })).to.match(/^cannot open DATABASE_URL=sqlite:.*notes\.txt: .*not a database/);
    expect(await startFailure({ DATABASE_URL: `sqlite:${folder}` })).to.match(/^cannot open DATABASE_URL=sqlite:/);
  });

  it('refuses a second server on a SQLite file another one runs on, and takes over from one that is gone', async () => {
    const databaseUrl = `sqlite:${join(folder, 'owned.sqlite')}`;
    const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', DATABASE_URL: databaseUrl });
    const first = await startVistka(config, { logger: createLogger('silent'), shutdownGraceMs: 0 });
    try {
      // Its start would free the first one's job leases: sends in flight would go out twice.
      expect(await startFailure({ DATABASE_URL: databaseUrl })).to.match(/^DATABASE_URL=sqlite:.*owned\.sqlite: the database is in use by another Vistka \(pid \d+/);
      expect((await fetch(`${first.url}/healthz`)).status).to.equal(200);
    } finally {
      await first.close();
    }
    // A owner that was killed leaves its file behind; a process with that pid no longer runs.
    writeFileSync(join(folder, 'owned.sqlite.owner'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: '2026-01-01T00:00:00Z' }));
    expect(await startFailure({ DATABASE_URL: databaseUrl })).to.equal(null);
    expect(existsSync(join(folder, 'owned.sqlite.owner')), 'given up at close').to.equal(false);
  });
});
