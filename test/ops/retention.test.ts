import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import pino from 'pino';
import { resendEvent, staffEventView } from '../../src/admin/events';
import { DeliveryAttempt } from '../../src/entities/DeliveryAttempt';
import { EhealthEvent } from '../../src/entities/EhealthEvent';
import { PendingReceipt } from '../../src/entities/PendingReceipt';
import { ViberCallback } from '../../src/entities/ViberCallback';
import { PeriodicTask } from '../../src/maintenance/periodic';
import { Retention } from '../../src/maintenance/retention';
import { sleep, waitFor } from '../fakes/http';
import { event, Harness } from '../helpers/harness';

const DAY = 24 * 3600_000;

describe('retention', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness({ VIBER_AUTH_TOKEN: '' }).start();
  });
  after(() => h.stop());

  it('erases codes, medical details and names RETENTION_DAYS after the document expired, keeping the delivery record', async () => {
    const now = Date.now();
    const expiredLongAgo = event({ phone_number: '+380676000001', code: '5101', expires_at: new Date(now + 1 * DAY).toISOString() });
    const stillValid = event({ phone_number: '+380676000002', code: '5102', expires_at: new Date(now + 200 * DAY).toISOString() });
    const noExpiry = event({ phone_number: '+380676000003', code: '5103', expires_at: null, patient: { id: 'p-3', name: 'Таємниченко Зоряна' } });
    for (const body of [expiredLongAgo, stillValid, noExpiry]) {
      await h.push(body);
      await h.waitForStatus(body.id as string, 'sent');
    }
    const retention = new Retention(h.vistka.db, 90, h.vistka.metrics);
    // Today nothing is old enough.
    expect((await retention.run(now)).eventsErased).to.equal(0);

    // 92 days on: the first document expired 91 days ago, the one without expiry was pushed 92 days ago.
    const later = now + 92 * DAY;
    const [first, second] = await Promise.all([retention.run(later), retention.run(later)]);
    expect(first.eventsErased + second.eventsErased).to.be.within(2, 4);
    expect((await retention.run(later)).eventsErased).to.equal(0);

    const rows = await h.vistka.db.manager.findBy(EhealthEvent, {});
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const id of [expiredLongAgo.id, noExpiry.id] as string[]) {
      const row = byId.get(id) as EhealthEvent;
      expect([row.code, row.details, row.patientName, row.erasedAt], id).to.deep.equal([null, null, null, later]);
      expect([row.status, row.channel, row.type, row.phone]).to.deep.equal(['sent', 'sms', 'medication_request', row.phone]);
      // The retry fingerprint hashed the code in: trying the 9,000 codes against it would give the code back.
      expect(row.fingerprint, id).to.equal('erased');
    }
    if (h.database.url.startsWith('sqlite:')) {
      // Not only the columns: the freed bytes in the file are zeroed too, once the WAL is checkpointed.
      await h.vistka.db.source.query('PRAGMA wal_checkpoint(TRUNCATE)');
      const file = readFileSync(h.database.url.replace(/^sqlite:/, ''));
      expect(file.includes(Buffer.from('Таємниченко')), 'the erased name in the file').to.equal(false);
    }
    // eHealth repeating an erased event gets its status, and nothing is sent again.
    const smsBefore = h.turbo.delivered.length;
    const replay = await h.push(noExpiry);
    expect([replay.status, replay.json]).to.deep.equal([200, { id: noExpiry.id, status: 'sent' }]);
    await sleep(200);
    expect(h.turbo.delivered.length).to.equal(smsBefore);
    const kept = byId.get(stillValid.id as string) as EhealthEvent;
    expect([kept.code, kept.erasedAt]).to.deep.equal(['5102', null]);
    // Nothing worth sending is left of an erased event: a staff resend is refused, not an SMS without its code.
    expect(await h.vistka.db.tx((manager) => resendEvent(manager, noExpiry.id as string, later))).to.deep.equal({ kind: 'no_code' });
    expect(kept.details).to.contain('Амоксицилін');
    // Staff see when and that it was erased, not only empty fields.
    const erasedView = await staffEventView(h.vistka.db.manager, noExpiry.id as string);
    expect(erasedView).to.include({ erased_at: new Date(later).toISOString(), has_code: false, patient_name: null });
    expect((await staffEventView(h.vistka.db.manager, stillValid.id as string))?.erased_at).to.equal(null);
    // The delivery timeline stays for the statistics, and eHealth can still read the status.
    expect(await h.vistka.db.manager.countBy(DeliveryAttempt, { eventId: expiredLongAgo.id as string })).to.equal(1);
    const view = await h.status(expiredLongAgo.id as string);
    expect(view.json).to.include({ status: 'sent', channel: 'sms' });
    expect(view.text).to.not.contain('5101');
    expect((await h.http('GET', '/metrics')).text).to.match(/vistka_retention_rows_total\{kind="events_erased"\} [2-4]/);
  });

  it('prunes handled Viber callbacks after 2 days and parked receipts after a day', async () => {
    const now = Date.now();
    await h.vistka.db.tx(async (manager) => {
      await manager.insert(ViberCallback, [
        { key: 'message:old', at: now - 3 * DAY },
        { key: 'message:recent', at: now - DAY },
      ]);
      await manager.insert(PendingReceipt, [
        { id: randomUUID(), messageToken: '111', kind: 'delivered', detail: null, at: now - 25 * 3600_000 },
        { id: randomUUID(), messageToken: '222', kind: 'seen', detail: null, at: now - 3600_000 },
      ]);
    });
    const result = await new Retention(h.vistka.db, 90).run(now);
    expect(result).to.include({ viberCallbacks: 1, pendingReceipts: 1 });
    expect((await h.vistka.db.manager.find(ViberCallback)).map((row) => row.key)).to.deep.equal(['message:recent']);
    expect((await h.vistka.db.manager.find(PendingReceipt)).map((row) => row.messageToken)).to.deep.equal(['222']);
  });

  it('runs periodically, one run at a time, and stop() waits for the run in progress', async () => {
    let runs = 0;
    let running = 0;
    let overlapped = false;
    const task = new PeriodicTask(
      'test task',
      async () => {
        running += 1;
        overlapped ||= running > 1;
        runs += 1;
        await sleep(30);
        running -= 1;
      },
      { everyMs: 20, firstAfterMs: 10 },
      pino({ level: 'silent' }),
    );
    task.start();
    await Promise.all([task.runNow(), task.runNow()]);
    await waitFor('three runs', () => runs >= 3);
    await task.stop();
    const stoppedAt = runs;
    expect(running).to.equal(0);
    await sleep(80);
    expect(runs).to.equal(stoppedAt);
    expect(overlapped).to.equal(false);
  });
});
