import { expect } from 'chai';
import { documentCard, fitCell, VIBER_BUTTON_TEXT_MAX } from '../../../src/channels/viber/cards';
import { translator } from '../../../src/i18n';
import type { DocumentFacts } from '../../../src/messages/facts';

const longFacts: DocumentFacts = {
  type: 'medication_request',
  number: '0000-K8K5-5MTE-352H',
  code: '4821',
  expiresAt: Date.parse('2026-12-21T23:59:59Z'),
  thirdPerson: true,
  patientName: 'Костянтиненко-Вишневецька Олександра Володимирівна',
  details: {
    medication: 'Амоксицилін + клавуланова кислота, порошок для оральної суспензії, 400 мг/57 мг у 5 мл, флакон 70 мл <№1>',
    dosage: 'по 5 мл двічі на добу після їди протягом 7 днів, при потребі продовжити за призначенням лікаря & контроль',
  },
};

describe('the document card', () => {
  for (const language of ['uk', 'en'] as const) {
    it(`keeps every button text within Viber's ${VIBER_BUTTON_TEXT_MAX} characters (${language})`, () => {
      const card = documentCard(longFacts, translator(language), language) as unknown as { rich_media: { Buttons: Array<{ Text: string }> }; alt_text: string };
      for (const button of card.rich_media.Buttons) expect(button.Text.length, button.Text).to.be.at.most(VIBER_BUTTON_TEXT_MAX);
      const info = card.rich_media.Buttons[1].Text;
      expect(info).to.match(/^№ 0000-K8K5-5MTE-352H<br>|^No\. 0000-K8K5-5MTE-352H<br>/);
      expect(info).to.contain('…').and.contain('&lt;');
      // The alt text, for clients that cannot show the card, keeps every word.
      expect(card.alt_text).to.contain(longFacts.details.medication).and.contain(longFacts.patientName);
    });
  }

  it('says "дійсне до" for a referral, and no validity for a withdrawn prescription or a cancelled referral', () => {
    const t = translator('uk');
    const alt = (facts: Partial<DocumentFacts>) => (documentCard({ ...longFacts, thirdPerson: false, ...facts }, t, 'uk') as unknown as { alt_text: string }).alt_text;
    expect(alt({ type: 'medication_request' })).to.contain('дійсний до');
    expect(alt({ type: 'service_request', number: 'AX65-4654-TIB1-TBT1', code: null })).to.contain('дійсне до').and.not.contain('дійсний');
    for (const type of ['medication_request_rejected', 'service_request_cancelled'] as const) {
      expect(alt({ type, code: null }), type).not.to.match(/дійсн/);
      // Nor the code, should eHealth send one along: it redeems nothing any more.
      const card = documentCard({ ...longFacts, type, code: '9876' }, t, 'uk') as unknown as { alt_text: string; rich_media: { Buttons: Array<{ Text?: string }> } };
      expect(card.alt_text + JSON.stringify(card.rich_media), type).not.to.contain('9876');
    }
  });

  it('leaves a cell that fits as it is, and shortens the longest line first', () => {
    expect(fitCell(['№ 1', 'Парацетамол', 'до 21 грудня'])).to.equal('№ 1<br>Парацетамол<br>до 21 грудня');
    const cell = fitCell(['№ 0000-K8K5-5MTE-352H', 'x'.repeat(300), 'до 21 грудня 2026']);
    expect(cell.length).to.be.at.most(VIBER_BUTTON_TEXT_MAX);
    expect(cell).to.match(/^№ 0000-K8K5-5MTE-352H<br>x+…<br>до 21 грудня 2026$/);
  });
});
