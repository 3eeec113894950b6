import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import { signEhealthPayload } from '../../src/ehealth/signature';
import { event, Harness, SECRET } from '../helpers/harness';

describe('POST /ehealth/events', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness().start();
  });
  after(() => h.stop());

  it('answers 202 with the id and status once the event is committed', async () => {
    const body = event();
    const reply = await h.push(body);
    expect(reply.status).to.equal(202);
    expect(reply.json).to.deep.equal({ id: body.id, status: 'queued' });
  });

  it('answers 200 with the current status for the same id and body, and sends nothing again', async () => {
    const body = event({ phone_number: '+380501110001' });
    expect((await h.push(body)).status).to.equal(202);
    await h.waitForStatus(body.id as string, 'sent');
    const again = await h.push(body);
    expect(again.status).to.equal(200);
    expect(again.json).to.deep.equal({ id: body.id, status: 'sent' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.turbo.to('+380501110001')).to.have.length(1);
  });

  it('treats the same event with another key order, whitespace and phone spelling as the same body', async () => {
    const body = event({ phone_number: '+380501110002' });
    expect((await h.push(body)).status).to.equal(202);
    const reordered = JSON.stringify({ ...Object.fromEntries(Object.entries(body).reverse()), phone_number: '0501110002' }, null, 2);
    expect((await h.push(reordered)).status).to.equal(200);
  });

  it('answers 409 for the same id with another body', async () => {
    const body = event();
    expect((await h.push(body)).status).to.equal(202);
    const reply = await h.push({ ...body, code: '4321' });
    expect(reply.status).to.equal(409);
    expect(reply.json.error.code).to.equal('id_conflict');
  });

  it('accepts two concurrent pushes of one id exactly once', async () => {
    const body = event({ phone_number: '+380501110003' });
    const replies = await Promise.all([h.push(body), h.push(body), h.push(body)]);
    expect(replies.map((r) => r.status).sort()).to.deep.equal([200, 200, 202]);
    await h.waitForStatus(body.id as string, 'sent');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.turbo.to('+380501110003')).to.have.length(1);
  });

  it('answers 422 naming every bad field', async () => {
    const reply = await h.push({
      id: 'bad id!',
      type: 'medication_request',
      phone_number: '12345',
      number: '0000-QQQQ-5MTE-352H',
      code: '12a4',
      expires_at: 'tomorrow',
      third_person: 'yes',
      details: 'x',
    });
    expect(reply.status).to.equal(422);
    expect(reply.json.error.code).to.equal('invalid_event');
    const fields = reply.json.error.fields.map((f: { field: string }) => f.field);
    expect(fields).to.include.members(['id', 'phone_number', 'number', 'code', 'expires_at', 'third_person', 'details']);
    for (const field of reply.json.error.fields) expect(field.problem).to.be.a('string').and.not.empty;
  });

  it('refuses an unknown type, a missing id and a missing phone_number key', async () => {
    const reply = await h.push({ type: 'birthday', number: 'x' });
    expect(reply.status).to.equal(422);
    const fields = reply.json.error.fields.map((f: { field: string }) => f.field);
    expect(fields).to.include.members(['id', 'type', 'phone_number']);
  });

  it('refuses the ids "." and "..", which no URL can look up, and takes dots inside an id', async () => {
    for (const id of ['.', '..']) {
      const reply = await h.push(event({ id }));
      expect(reply.status, id).to.equal(422);
      expect(reply.json.error.fields[0]).to.deep.include({ field: 'id' });
    }
    const dotted = event({ id: '...x.' });
    expect((await h.push(dotted)).status).to.equal(202);
    expect((await h.status(dotted.id as string)).status).to.equal(200);
  });

  it('requires the patient name when the recipient is a third person', async () => {
    const reply = await h.push(event({ third_person: true, patient: { id: 'p-2' } }));
    expect(reply.status).to.equal(422);
    expect(reply.json.error.fields[0].field).to.equal('patient.name');
  });

  it('normalises phones and Cyrillic look-alikes in numbers, and ignores unknown fields', async () => {
    const body = event({ phone_number: '0671234567', number: '0000-К8К5-5МТЕ-352н', surprise: { nested: true } });
    const reply = await h.push(body);
    expect(reply.status).to.equal(202);
    const again = await h.push({ ...body, phone_number: '380671234567', number: '0000-K8K5-5MTE-352H' });
    expect(again.status).to.equal(200);
  });

  it('accepts e-referral numbers over digits and letters, and refuses malformed ones', async () => {
    expect((await h.push(event({ type: 'service_request', number: 'AX65-4654-TІВ1-ТВТ1', code: null }))).status).to.equal(202);
    expect((await h.push(event({ type: 'service_request', number: '1234-5678-9012-3456', code: null }))).status).to.equal(202);
    expect((await h.push(event({ type: 'service_request', number: '1234-5678-9012' }))).status).to.equal(422);
  });

  it('refuses a date that does not exist', async () => {
    const reply = await h.push(event({ expires_at: '2026-02-30T10:00:00Z' }));
    expect(reply.status).to.equal(422);
    expect(reply.json.error.fields[0].field).to.equal('expires_at');
  });

  it('answers 400 for a body that is not JSON, and 422 for JSON that is not an object', async () => {
    expect((await h.push('{"id": ')).status).to.equal(400);
    expect((await h.push('{"id": ')).json.error.code).to.equal('invalid_json');
    expect((await h.push('[1,2]')).status).to.equal(422);
  });

  it('ignores a byte order mark, and answers 400 for a body that is not UTF-8, storing nothing', async () => {
    const withBom = event();
    expect((await h.push(`\ufeff${JSON.stringify(withBom)}`)).status).to.equal(202);
    // Valid JSON in every byte but one: the á of the name in Latin-1 (0xE1), not UTF-8.
    const latin1 = event({ patient: { id: 'p-latin1', name: 'Iv#nenko O.' } });
    const [before, after] = JSON.stringify(latin1).split('#');
    const reply = await h.push(Buffer.concat([Buffer.from(before), Buffer.from([0xe1]), Buffer.from(after)]));
    expect(reply.status).to.equal(400);
    expect(reply.json.error.code).to.equal('invalid_json');
    expect(reply.json.error.message).to.match(/UTF-8/);
    expect((await h.status(latin1.id as string)).status).to.equal(404);
  });

  it('answers 413 over 64 KiB, before storing anything', async () => {
    const body = event({ details: { medication: 'x'.repeat(70 * 1024) } });
    const reply = await h.push(body);
    expect(reply.status).to.equal(413);
    expect((await h.status(body.id as string)).status).to.equal(404);
  });

  it('answers 415 for a compressed body, storing nothing, and takes Content-Encoding identity', async () => {
    const body = event();
    const text = JSON.stringify(body);
    const at = Math.floor(Date.now() / 1000);
    const headers = { 'content-type': 'application/json', 'x-ehealth-signature': signEhealthPayload(SECRET, text, at) };
    const zipped = await h.http('POST', '/ehealth/events', gzipSync(text), { ...headers, 'content-encoding': 'gzip' });
    expect(zipped.status).to.equal(415);
    expect(zipped.json.error.code).to.equal('unsupported_encoding');
    expect((await h.status(body.id as string)).status).to.equal(404);
    expect((await h.http('POST', '/ehealth/events', text, { ...headers, 'content-encoding': 'identity' })).status).to.equal(202);
  });

  it('answers 401 for a missing, wrong, malformed or stale signature', async () => {
    const body = JSON.stringify(event());
    const now = Math.floor(Date.now() / 1000);
    expect((await h.push(body, { signature: null })).status).to.equal(401);
    expect((await h.push(body, { signature: signEhealthPayload('other-secret', body, now) })).status).to.equal(401);
    expect((await h.push(body, { signature: 'garbage' })).status).to.equal(401);
    expect((await h.push(body, { signature: `t=${now},v1=${'0'.repeat(64)}` })).status).to.equal(401);
    // Clear of the 300 s edge: the clock moves on between here and the server (the edge itself is in signature.test.ts).
    const stale = await h.push(body, { at: now - 330 });
    expect(stale.status).to.equal(401);
    expect(stale.json.error.message).to.match(/300 s/);
    expect((await h.push(body, { at: now + 330 })).status).to.equal(401);
    expect((await h.push(body, { at: now - 250 })).status).to.equal(202);
  });

  it('does not accept a signature over another body', async () => {
    const now = Math.floor(Date.now() / 1000);
    const signature = signEhealthPayload(SECRET, JSON.stringify(event()), now);
    expect((await h.push(event(), { signature })).status).to.equal(401);
  });

  it('marks an event without a phone print_required and one already expired expired, sending nothing', async () => {
    const noPhone = event({ phone_number: null });
    const r1 = await h.push(noPhone);
    expect(r1.json.status).to.equal('print_required');
    const expired = event({ phone_number: '+380501110004', expires_at: new Date(Date.now() - 1000).toISOString() });
    const r2 = await h.push(expired);
    expect(r2.json.status).to.equal('expired');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.turbo.to('+380501110004')).to.have.length(0);
    expect((await h.status(noPhone.id as string)).json.attempts).to.deep.equal([]);
  });
});

describe('GET /ehealth/events/:id', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness().start();
  });
  after(() => h.stop());

  it('returns the status, channel and attempt timeline', async () => {
    const body = event({ phone_number: '+380501110010' });
    await h.push(body);
    const view = await h.waitForStatus(body.id as string, 'sent');
    expect(view).to.include({ id: body.id, type: 'medication_request', status: 'sent', channel: 'sms' });
    expect(view.attempts).to.have.length(1);
    expect(view.attempts[0]).to.include({ channel: 'sms', status: 'sent', detail: null });
    expect(Date.parse(view.attempts[0].at)).to.be.a('number').and.not.NaN;
  });

  it('answers 404 for an unknown id and 401 without a valid signature', async () => {
    expect((await h.status('no-such-event')).status).to.equal(404);
    expect((await h.http('GET', '/ehealth/events/x')).status).to.equal(401);
  });
});

describe('without EHEALTH_WEBHOOK_SECRET', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness({ EHEALTH_WEBHOOK_SECRET: '' }).start();
  });
  after(() => h.stop());

  it('answers 503 saying the secret is not set', async () => {
    const reply = await h.push(event());
    expect(reply.status).to.equal(503);
    expect(reply.json.error.message).to.match(/EHEALTH_WEBHOOK_SECRET/);
    expect((await h.http('GET', '/healthz')).status).to.equal(200);
  });
});
