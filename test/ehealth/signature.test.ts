import { expect } from 'chai';
import { signEhealthPayload, verifyEhealthSignature } from '../../src/ehealth/signature';

describe('eHealth signatures', () => {
  const body = Buffer.from('{"id":"1"}');
  const now = 1_790_000_000_000;
  const t = now / 1000;

  it('accepts its own signature and one of several v1 values (key rotation)', () => {
    const header = signEhealthPayload('s', body, t);
    expect(verifyEhealthSignature('s', header, body, now).ok).to.equal(true);
    const rotated = `${header.split(',')[0]},v1=${'0'.repeat(64)},${header.split(',')[1]}`;
    expect(verifyEhealthSignature('s', rotated, body, now).ok).to.equal(true);
  });

  it('refuses at exactly 301 s of skew, accepts at 300 s', () => {
    expect(verifyEhealthSignature('s', signEhealthPayload('s', body, t - 300), body, now).ok).to.equal(true);
    expect(verifyEhealthSignature('s', signEhealthPayload('s', body, t - 301), body, now).ok).to.equal(false);
    // The same both ways, also late in the server's second (t is whole seconds, the clock is not).
    const lateInSecond = now + 999;
    for (const [skew, ok] of [[-300, true], [300, true], [-301, false], [301, false]] as const) {
      expect(verifyEhealthSignature('s', signEhealthPayload('s', body, t + skew), body, lateInSecond).ok, String(skew)).to.equal(ok);
    }
  });

  it('says what is wrong', () => {
    const missing = verifyEhealthSignature('s', undefined, body, now);
    expect(missing.ok === false && missing.reason).to.match(/missing/);
    const malformed = verifyEhealthSignature('s', 'v1=abc', body, now);
    expect(malformed.ok === false && malformed.reason).to.match(/malformed/);
  });
});
