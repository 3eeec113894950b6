import { expect } from 'chai';
import { eventFingerprint, parseEvent } from '../../src/ehealth/event';
import { isUkrainianLandline, normalizeDocumentNumber, normalizePhone } from '../../src/ehealth/formats';

const base = {
  id: 'mr-1',
  type: 'medication_request',
  phone_number: '+380671234567',
  number: '0000-K8K5-5MTE-352H',
  code: '1234',
};

describe('parseEvent', () => {
  it('normalises what eHealth sends', () => {
    const result = parseEvent({ ...base, phone_number: '067 123 45 67', number: '0000-к8к5-5мте-352н', code: 1234, expires_at: '2026-12-21' });
    expect(result.ok).to.equal(true);
    if (!result.ok) return;
    expect(result.event).to.include({ phone: '+380671234567', number: '0000-K8K5-5MTE-352H', code: '1234', thirdPerson: false });
    expect(result.event.expiresAt?.toISOString()).to.equal('2026-12-21T23:59:59.000Z');
  });

  it('requires a code for a verification but no number', () => {
    const missing = parseEvent({ id: 'v', type: 'verification', phone_number: '+380671234567' });
    expect(missing.ok).to.equal(false);
    if (!missing.ok) expect(missing.fields.map((f) => f.field)).to.deep.equal(['code']);
    expect(parseEvent({ id: 'v', type: 'verification', phone_number: null, code: '4821' }).ok).to.equal(true);
  });

  it('refuses codes that are not 4 digits starting 1–9', () => {
    for (const code of ['0123', '123', '12345', 'abcd', 12.5]) {
      const result = parseEvent({ ...base, code });
      expect(result.ok, String(code)).to.equal(false);
    }
  });

  it('refuses a name or a detail that is not text, or holds half a character; an id may be a number', () => {
    const fields = (body: object) => {
      const result = parseEvent(body);
      return result.ok ? [] : result.fields.map((f) => `${f.field}: ${f.problem}`);
    };
    expect(fields({ ...base, patient: { id: 42, name: 5 } })).to.deep.equal(['patient.name: must be a string']);
    expect(fields({ ...base, details: { medication: 7 } })).to.deep.equal(['details.medication: must be a string']);
    expect(fields({ ...base, patient: { id: 'p', name: 'Іван\uD83D' } })).to.deep.equal(['patient.name: contains a broken character (half of a UTF-16 surrogate pair)']);
    const ok = parseEvent({ ...base, patient: { id: 42, name: 'Іван\u0000\u0007 Петренко\u0085' } });
    expect(ok.ok && ok.event.patientName).to.equal('Іван Петренко');
    expect(ok.ok && ok.event.patientId).to.equal('42');
    // A right-to-left override would draw the code after the name backwards on the phone ("4321").
    const hidden = parseEvent({ ...base, patient: { id: 'p', name: '\u202EІван\u200B Петренко\u00AD\uFEFF' }, details: { doctor: 'Лікар\u2066 Х\u2069' } });
    expect(hidden.ok && [hidden.event.patientName, hidden.event.details.doctor]).to.deep.equal(['Іван Петренко', 'Лікар Х']);
  });

  it('refuses numbers outside the e-prescription alphabet', () => {
    for (const number of ['0000-K8K5-5MTE-352Z', '1000-K8K5-5MTE-352H', '0000-K8K5-5MTE']) {
      expect(parseEvent({ ...base, number }).ok, number).to.equal(false);
    }
  });

  it('takes e-referral numbers over the requisition alphabet (digits and A B C E H I K M O P T X) only', () => {
    const referral = { ...base, type: 'service_request' };
    for (const number of ['1234-5678-9012-3456', 'ABCE-HIKM-OPTX-0000', 'авсе-нікм-орtх-1111']) {
      expect(parseEvent({ ...referral, number }).ok, number).to.equal(true);
    }
    for (const number of ['ABCD-EFGH-IJKL-MNOP', '1234-5678-9012-345Z', '1234-5678-9012']) {
      expect(parseEvent({ ...referral, number }).ok, number).to.equal(false);
    }
  });

  it('keeps the fingerprint equal for equal meaning, and different for another code', () => {
    const a = parseEvent(base);
    const b = parseEvent({ ...base, phone_number: '0671234567', extra: 1 });
    const c = parseEvent({ ...base, code: '4321' });
    if (!a.ok || !b.ok || !c.ok) throw new Error('expected valid events');
    expect(eventFingerprint(a.event)).to.equal(eventFingerprint(b.event));
    expect(eventFingerprint(a.event)).to.not.equal(eventFingerprint(c.event));
  });
});

describe('formats', () => {
  it('normalises the three phone forms, and nothing else', () => {
    expect(normalizePhone('+380671234567')).to.equal('+380671234567');
    expect(normalizePhone('380671234567')).to.equal('+380671234567');
    expect(normalizePhone('0671234567')).to.equal('+380671234567');
    expect(normalizePhone('+38 (067) 123-45-67')).to.equal('+380671234567');
    for (const bad of ['671234567', '+48671234567', '+3806712345678', '06712345678', 'abc', '+0671234567']) {
      expect(normalizePhone(bad), bad).to.equal(null);
    }
  });

  it('turns Cyrillic look-alikes into Latin capitals', () => {
    expect(normalizeDocumentNumber('ах65-4654-тів1-твт1')).to.equal('AX65-4654-TIB1-TBT1');
  });

  it('tells landlines from mobile numbers, never refusing a mobile code', () => {
    for (const landline of ['+380441234567', '+380322000017', '+380482000000', '+380562000000', '+380612000000']) {
      expect(isUkrainianLandline(landline), landline).to.equal(true);
    }
    for (const mobile of ['39', '50', '63', '66', '67', '68', '73', '75', '77', '89', '91', '92', '93', '94', '95', '96', '97', '98', '99']) {
      expect(isUkrainianLandline(`+380${mobile}1234567`), mobile).to.equal(false);
    }
  });
});
