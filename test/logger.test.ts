import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger } from '../src/logger';
import { standalone } from './helpers/standalone';

describe('logger', () => {
  it('censors codes and phones, but keeps a system error\'s code readable', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ code: '1234', event: { code: '5678', phone: '+380671234567' } }, 'sent');
    logger.error({ err: Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }) }, 'push failed');
    const [sent, failed] = lines.map((line) => JSON.parse(line) as Record<string, any>);
    expect([sent.code, sent.event.code, sent.event.phone]).to.deep.equal(['[redacted]', '[redacted]', '[redacted]']);
    expect(failed.err.error_code).to.equal('SQLITE_BUSY');
    for (const secret of ['1234', '5678', '380671234567', '0671234567']) expect(lines.join(''), secret).to.not.match(standalone(secret));
  });
});
