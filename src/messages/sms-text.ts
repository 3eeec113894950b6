import type { TFunction } from 'i18next';
import type { EventType } from '../ehealth/event';

/** One SMS segment in UCS-2, which any Cyrillic letter forces: longer texts cost two SMS. */
export const UCS2_SEGMENT = 70;

export interface SmsFacts {
  type: EventType;
  thirdPerson: boolean;
  patientName: string | null;
  number: string | null;
  code: string | null;
}

const HAS_CODELESS_VARIANT: ReadonlySet<EventType> = new Set(['medication_request', 'service_request']);

/**
 * The SMS for an eHealth event, in eHealth's own wording; to a third person it names the patient.
 * Always one UCS-2 segment: a long patient name is shortened to the surname and initials.
 */
export function smsText(facts: SmsFacts, t: TFunction): string {
  const third = facts.thirdPerson && Boolean(facts.patientName);
  let key: string = facts.type;
  if (third) key += '_third';
  if (!facts.code && HAS_CODELESS_VARIANT.has(facts.type)) key += '_nocode';
  const render = (patient: string) =>
    t(`sms:${key}`, { number: facts.number ?? '', code: facts.code ?? '', patient });
  if (!third) return render('');
  for (const name of shorterNames(facts.patientName as string)) {
    const text = render(name);
    if (text.length <= UCS2_SEGMENT) return text;
  }
  // Even the surname is too long: its initial, as a cut word would name someone else ("Вишневе." for "Вишневецька").
  const shortest = shorterNames(facts.patientName as string).at(-1) as string;
  return render(`${[...shortest][0]}.`);
}

/**
 * "Петренко Марія Іванівна" → itself, "Петренко М. І.", "Петренко М.", "Петренко"; a double surname
 * ("Коваль-Вишневецька М.") then also by its first part, "Коваль М.", "Коваль". Lower-case particles stay with
 * the surname they belong to ("де ла Крус-Гарсія Марія" → "де ла Крус-Гарсія М."), and words without a letter
 * (an emoji) are dropped.
 */
export function shorterNames(name: string): string[] {
  const words = name
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}]+|[^\p{L}.]+$/gu, ''))
    .filter((word) => /\p{L}/u.test(word));
  if (words.length === 0) return [name.trim()];
  // The surname runs to its first capitalised word: "де ла Крус", "van der Berg".
  const capitalised = words.findIndex((word) => /^\p{Lu}/u.test(word));
  const surnameLength = capitalised < 0 || capitalised === words.length - 1 ? 1 : capitalised + 1;
  const surname = words.slice(0, surnameLength).join(' ');
  const rest = words.slice(surnameLength);
  const initials = rest.map((word) => (word.endsWith('.') && word.length <= 3 ? word : `${[...word][0]}.`));
  const withSurname = (first: string) => [[first, ...initials].join(' '), [first, ...initials.slice(0, 1)].join(' '), first];
  const firstPart = surname.replace(/-[^ ]*$/, '');
  const names = [words.join(' '), ...withSurname(surname), ...(firstPart && firstPart !== surname ? withSurname(firstPart) : [])];
  return [...new Set(names)];
}

/** The SMS that proves a Viber user owns a phone. */
export function claimCodeText(code: string, t: TFunction): string {
  return t('sms:claim_code', { code });
}
