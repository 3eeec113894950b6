import { expect } from 'chai';
import { PDFParse } from 'pdf-parse';
import { request } from 'undici';
import { event, Harness } from '../helpers/harness';
import { ADMIN_ENV, api, auditSince, expectAuditFree, lastAuditId, makeStaff } from './helpers';

/** The text of a PDF and its page count. */
async function pdfText(pdf: Buffer): Promise<{ text: string; pages: number }> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    const result = await parser.getText();
    return { text: result.text, pages: result.total };
  } finally {
    await parser.destroy();
  }
}

describe('GET /admin/events/:id/note (the information note)', () => {
  let h: Harness;
  let operator: { id: string; token: string };
  const prescription = event({
    phone_number: null,
    code: '5821',
    number: '0000-243P-1X53-EH38',
    patient: { id: 'p-77', name: 'Шевченко Тарас Григорович' },
    expires_at: '2030-12-21T23:59:59Z',
    details: {
      medication: 'Метформін',
      dosage: '850 мг, 1 таблетка двічі на день',
      program: 'Доступні ліки',
      doctor: 'Петренко <script>alert("x")</script> І. І.',
      legal_entity: 'КНП «ЦПМСД №1» & Ко',
    },
  });

  before(async () => {
    h = await new Harness(ADMIN_ENV).start();
    operator = await makeStaff(h, 'operator');
    await h.push(prescription);
  });
  after(() => h.stop());

  it('is an HTML page by default that repeats the document and its code, everything escaped', async () => {
    const reply = await api(h, 'GET', `/admin/events/${prescription.id}/note`, operator.token);
    expect(reply.status).to.equal(200);
    expect(reply.headers['content-type']).to.equal('text/html; charset=utf-8');
    expect(reply.headers['content-security-policy']).to.contain("default-src 'none'");
    expect(reply.headers['cache-control']).to.equal('no-store');
    const html = reply.text;
    for (const expected of [
      'Інформаційна довідка',
      'про електронний рецепт',
      'Номер рецепта',
      '0000-243P-1X53-EH38',
      'Шевченко Тарас Григорович',
      'Метформін',
      '850 мг, 1 таблетка двічі на день',
      'Доступні ліки',
      'Код підтвердження (код погашення)',
      '5821',
      '21 грудня 2030',
      'КНП «ЦПМСД №1» &#38; Ко',
      'Петренко &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; І. І.',
      '@page { size: A5',
    ]) {
      expect(html).to.contain(expected);
    }
    expect(html).not.to.contain('<script');
  });

  it('is a one-page PDF with DejaVu embedded, whose text carries the number, the code and the patient', async () => {
    const reply = await request(`${h.url}/admin/events/${prescription.id}/note?format=pdf`, { headers: { authorization: `Bearer ${operator.token}` } });
    expect(reply.statusCode).to.equal(200);
    expect(reply.headers['content-type']).to.equal('application/pdf');
    expect(reply.headers['content-disposition']).to.equal(`inline; filename="dovidka-${prescription.id}.pdf"`);
    const pdf = Buffer.from(await reply.body.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    expect(pdf.toString('latin1')).to.match(/FontName \/[A-Z]{6}\+DejaVuSans/);
    const { text, pages } = await pdfText(pdf);
    expect(pages).to.equal(1);
    for (const expected of ['Інформаційна довідка', '0000-243P-1X53-EH38', '5821', 'Шевченко Тарас Григорович', 'Метформін', 'Петренко <script>', '21 грудня 2030']) {
      expect(text).to.contain(expected);
    }
  });

  it('stays on one page with every detail at its longest', async () => {
    const long = 'Дуже довга назва з багатьма словами '.repeat(14).slice(0, 500);
    const body = event({
      phone_number: null,
      code: '6142',
      patient: { id: 'p', name: 'П'.repeat(200) },
      details: { medication: long, dosage: long, program: long, service: long, doctor: long, legal_entity: long },
    });
    await h.push(body);
    const reply = await request(`${h.url}/admin/events/${body.id}/note?format=pdf`, { headers: { authorization: `Bearer ${operator.token}` } });
    const { text, pages } = await pdfText(Buffer.from(await reply.body.arrayBuffer()));
    expect(pages).to.equal(1);
    expect(text).to.contain('6142');
    expect(text).to.contain('0000-K8K5-5MTE-352H');
  });

  it('shows the printing on the timeline as channel print; the event stays print_required', async () => {
    const before = (await h.status(prescription.id as string)).json.attempts.length;
    await api(h, 'GET', `/admin/events/${prescription.id}/note?format=pdf`, operator.token);
    const view = (await h.status(prescription.id as string)).json;
    expect(view.status).to.equal('print_required');
    expect(view.channel).to.equal('print');
    expect(view.attempts.length).to.equal(before + 1);
    expect(view.attempts.at(-1)).to.include({ channel: 'print', provider: 'note', status: 'sent', detail: 'information note printed (pdf)' });
    const staffView = await api(h, 'GET', `/admin/events/${prescription.id}`, operator.token);
    expect(staffView.json.status).to.equal('print_required');
    expect(staffView.json.has_code).to.equal(true);
    expect(staffView.text).not.to.contain('5821');
  });

  it('records nothing for a HEAD request: nothing was printed', async () => {
    const before = (await h.status(prescription.id as string)).json.attempts.length;
    const head = await api(h, 'HEAD', `/admin/events/${prescription.id}/note`, operator.token);
    expect(head.status).to.equal(200);
    expect((await h.status(prescription.id as string)).json.attempts.length).to.equal(before);
  });

  it('lists print_required events for staff to print', async () => {
    const reply = await api(h, 'GET', '/admin/events?status=print_required', operator.token);
    expect(reply.json.events.map((e: { id: string }) => e.id)).to.include(prescription.id);
    expect(reply.json.events.every((e: { status: string; phone: string }) => e.status === 'print_required' && e.phone === '-')).to.equal(true);
  });

  it('writes note.print to the audit log with the format, and never the code', async () => {
    const mark = await lastAuditId(h);
    await api(h, 'GET', `/admin/events/${prescription.id}/note?format=html`, operator.token);
    const [line] = await auditSince(h, mark);
    expect([line.action, line.actor, line.target, line.outcome, line.detail]).to.deep.equal([
      'note.print',
      `staff:${operator.id}`,
      `event:${prescription.id}`,
      'ok',
      'html',
    ]);
    await expectAuditFree(h, ['5821', '6142']);
  });

  it('says "e-referral" for a referral, with its service and validity', async () => {
    const referral = event({
      type: 'service_request',
      phone_number: null,
      number: 'AX65-4654-TIB1-TBT1',
      code: '9137',
      details: { service: 'Консультація кардіолога', doctor: 'Коваль О. П.', legal_entity: 'КНП «Лікарня №2»' },
    });
    await h.push(referral);
    const html = (await api(h, 'GET', `/admin/events/${referral.id}/note`, operator.token)).text;
    for (const expected of ['про електронне направлення', 'Номер направлення', 'AX65-4654-TIB1-TBT1', 'Консультація кардіолога', 'Дійсне до', '9137', 'Коваль О. П.']) {
      expect(html).to.contain(expected);
    }
  });

  it('prints in English on ?lang=en', async () => {
    const html = (await api(h, 'GET', `/admin/events/${prescription.id}/note?lang=en`, operator.token)).text;
    expect(html).to.contain('Information note').and.contain('Prescription number').and.contain('5821');
    expect(html).to.contain('<html lang="en">');
  });

  it('warns on the note of an expired or withdrawn document', async () => {
    const withdrawn = event({ type: 'medication_request_rejected', phone_number: null, code: null });
    await h.push(withdrawn);
    const html = (await api(h, 'GET', `/admin/events/${withdrawn.id}/note`, operator.token)).text;
    expect(html).to.contain('Лікар відкликав цей рецепт');
    expect(html).to.contain('не отримує SMS');
    // Printed for a patient who did get the SMS: the note must not claim they get none.
    const sent = event({ type: 'medication_request_rejected', phone_number: '+380671112299', code: null });
    await h.push(sent);
    const sentHtml = (await api(h, 'GET', `/admin/events/${sent.id}/note`, operator.token)).text;
    expect(sentHtml).to.contain('на прохання пацієнта').and.not.contain('не отримує SMS');
  });

  it('does not send the patient to the pharmacy with the code of an expired prescription', async () => {
    const expired = event({ phone_number: null, expires_at: new Date(Date.now() - 3600_000).toISOString() });
    await h.push(expired);
    const html = (await api(h, 'GET', `/admin/events/${expired.id}/note`, operator.token)).text;
    expect(html).to.contain('Термін дії минув').and.contain('По новий зверніться до лікаря');
    expect(html).not.to.contain('фармацевту в аптеці');
  });

  it('never asks to show a code the note does not carry', async () => {
    const referral = event({ type: 'service_request', phone_number: null, number: 'AX65-4654-TIB1-TBT2', code: null, details: { service: 'Аналіз крові' } });
    await h.push(referral);
    const html = (await api(h, 'GET', `/admin/events/${referral.id}/note`, operator.token)).text;
    expect(html).to.contain('Коду підтвердження для цього документа немає');
    expect(html.replace(/&#39;|&#x27;|&apos;/g, "'")).to.contain("Пред'явіть номер направлення у закладі");
    expect(html).not.to.contain('номер направлення і код');
  });
});
