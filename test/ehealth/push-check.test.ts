import { expect } from 'chai';
import { eventFingerprint, parseEvent } from '../../src/ehealth/event';
import { checkPush } from '../../src/ehealth/push-check';
import { signEhealthPayload } from '../../src/ehealth/signature';

const SECRET = 'push-check-secret';
const now = Date.parse('2026-11-26T10:00:00Z');
const at = Math.floor(now / 1000);
const event = { id: 'mr-1', type: 'medication_request', phone_number: '0671234567', number: '0000-K8K5-5MTE-352H', code: '1234' };

function signed(body: string | Buffer, t = at) {
  return { header: signEhealthPayload(SECRET, body, t), raw: Buffer.from(body) };
}

describe('checkPush', () => {
  it('accepts a signed, valid push: the normalised event and its fingerprint', () => {
    const { header, raw } = signed(JSON.stringify(event));
    const check = checkPush(SECRET, header, raw, now);
    const parsed = parseEvent(event);
    if (!check.ok || !parsed.ok) throw new Error('expected a valid push');
    expect(check.event.phone).to.equal('+380671234567');
    expect(check.fingerprint).to.equal(eventFingerprint(parsed.event));
  });

  it('checks the signature before anything else: a bad one is a 401 even for a body that is not JSON', () => {
    const { raw } = signed('not json');
    for (const header of [undefined, 't=1,v1=00', signEhealthPayload('another secret', raw, at), signed('not json', at - 301).header]) {
      const check = checkPush(SECRET, header, raw, now);
      expect(check, String(header)).to.include({ ok: false, status: 401, code: 'invalid_signature' });
    }
  });

  it('refuses a signed body that is not UTF-8 JSON with a 400 saying which', () => {
    const latin1 = Buffer.concat([Buffer.from('{"id":"a","note":"'), Buffer.from([0xe1]), Buffer.from('"}')]);
    const notUtf8 = checkPush(SECRET, signed(latin1).header, latin1, now);
    expect(notUtf8).to.include({ ok: false, status: 400, code: 'invalid_json' });
    expect(!notUtf8.ok && notUtf8.message).to.match(/UTF-8/);
    const truncated = checkPush(SECRET, signed('{"id":').header, Buffer.from('{"id":'), now);
    expect(truncated).to.include({ ok: false, status: 400, code: 'invalid_json' });
    expect(!truncated.ok && truncated.message).to.match(/not valid JSON/);
  });

  it('accepts a body that starts with a UTF-8 byte order mark', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(event))]);
    expect(checkPush(SECRET, signed(body).header, body, now).ok).to.equal(true);
  });

  it('names every invalid field with a 422', () => {
    const body = JSON.stringify({ ...event, type: 'nope', phone_number: '12345' });
    const check = checkPush(SECRET, signed(body).header, Buffer.from(body), now);
    if (check.ok) throw new Error('expected a refusal');
    expect(check.status).to.equal(422);
    expect(check.fields?.map((f) => f.field)).to.have.members(['type', 'phone_number']);
  });
});
