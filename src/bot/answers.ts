import type { TFunction } from 'i18next';
import { MoreThanOrEqual, type EntityManager } from 'typeorm';
import { type EventType, isPrescriptionType, isReferralType } from '../ehealth/event';
import { DOCUMENT_NUMBER_IN_TEXT, normalizeDocumentNumber } from '../ehealth/formats';
import { EhealthEvent } from '../entities/EhealthEvent';
import type { Language } from '../i18n';
import { daysLeft, formatClock, formatValidUntil } from '../messages/dates';
import { parseDetails } from '../messages/facts';
import type { Intent } from '../nlu/classifier';

/** How far back a patient's questions look. */
export const LOOKBACK_MS = 90 * 24 * 3600_000;
/** Documents listed in one answer; the rest are counted. */
const MAX_LISTED = 10;

export type DocumentState = 'active' | 'expired' | 'rejected' | 'cancelled';

/** One prescription or referral as the patient sees it: the newest event about its number. */
export interface PatientDocument {
  kind: 'prescription' | 'referral';
  number: string;
  code: string | null;
  expiresAt: number | null;
  subject: string | null;
  patientKey: string;
  patientName: string | null;
  state: DocumentState;
  createdAt: number;
}

/**
 * What eHealth sent to this phone in the last 90 days, and older documents still valid (a year-long
 * prescription), never from before `since` (when the phone changed hands); newest first. Only ever
 * called for a verified owner.
 */
export async function recentEvents(manager: EntityManager, phone: string, now: number, since: number | null = null): Promise<EhealthEvent[]> {
  return manager.find(EhealthEvent, {
    select: { id: true, type: true, thirdPerson: true, patientId: true, patientName: true, number: true, code: true, expiresAt: true, details: true, createdAt: true },
    where: [
      { phone, createdAt: MoreThanOrEqual(Math.max(now - LOOKBACK_MS, since ?? 0)) },
      { phone, createdAt: MoreThanOrEqual(since ?? 0), expiresAt: MoreThanOrEqual(now) },
    ],
    order: { createdAt: 'DESC' },
    take: 500,
  });
}

/** Folds events into documents: a later withdrawal or cancellation of the same number wins. */
export function documentsOf(events: EhealthEvent[], now: number): PatientDocument[] {
  const byNumber = new Map<string, PatientDocument>();
  const ended = new Map<string, DocumentState>();
  for (const event of events) {
    const type = event.type as EventType;
    if (!event.number) continue;
    if (type === 'medication_request_rejected') ended.set(event.number, 'rejected');
    if (type === 'service_request_cancelled') ended.set(event.number, 'cancelled');
    if (type !== 'medication_request' && type !== 'service_request') continue;
    if (byNumber.has(event.number)) continue; // newest first: the first seen is the latest issue
    const details = parseDetails(event.details);
    const subject = isPrescriptionType(type)
      ? [details.medication, details.dosage].filter(Boolean).join(', ') || null
      : (details.service ?? null);
    byNumber.set(event.number, {
      kind: isReferralType(type) ? 'referral' : 'prescription',
      number: event.number,
      code: event.code,
      expiresAt: event.expiresAt,
      subject,
      patientKey: event.thirdPerson ? (event.patientId ?? event.patientName ?? 'other') : 'self',
      patientName: event.thirdPerson ? event.patientName : null,
      state: 'active',
      createdAt: event.createdAt,
    });
  }
  const documents = [...byNumber.values()];
  for (const document of documents) {
    const end = ended.get(document.number);
    if (end) document.state = end;
    else if (document.expiresAt !== null && document.expiresAt <= now) document.state = 'expired';
  }
  // Active first, then the most recent.
  return documents.sort((a, b) => Number(b.state === 'active') - Number(a.state === 'active') || b.createdAt - a.createdAt);
}

/**
 * The answer to a data question, in the patient's language. Pure: the caller fetched the events. The
 * question's own words narrow the answer to the child or the medicine it names (eventsAskedAbout) and a code
 * question to the kind of code it names (codeKindAskedFor).
 */
export function answerText(intent: Intent, allEvents: EhealthEvent[], now: number, t: TFunction, language: Language, question = ''): string {
  const { events, named, who, unknownNumber } = eventsAskedAbout(allEvents, question);
  if (unknownNumber && intent !== 'help' && intent !== 'unknown') return t('answers:number_unknown', { number: unknownNumber });
  const documents = documentsOf(events, now);
  // Nothing of the kind asked for the person named: say so for them, not "nothing came to your number".
  const none = (key: string) => (who ? t('answers:none_for', { name: who }) : t(key));
  switch (intent) {
    case 'prescriptions':
      return listDocuments(documents.filter((d) => d.kind === 'prescription'), 'prescriptions', now, t, language, none('answers:none_prescriptions'));
    case 'referrals':
      return listDocuments(documents.filter((d) => d.kind === 'referral'), 'referrals', now, t, language, none('answers:none_referrals'));
    case 'last_code':
      return latestCode(events, documents, now, t, language, codeKindAskedFor(question), none('answers:no_code'));
    case 'expiry':
      // "До коли діє код?": the code's own validity, not the documents' list.
      if (NAMES_A_CODE.test(question)) return latestCode(events, documents, now, t, language, codeKindAskedFor(question));
      return expiries(documents, now, t, language, named);
    case 'help':
      return t('answers:help');
    default:
      return t('answers:unknown');
  }
}

/** The question names a code ("до коли діє код?"), not a document. */
const NAMES_A_CODE = /(?:^|[^\p{L}])(?:код|коду|кода|code)(?![\p{L}])/iu;

/** Question words that look like the start of a name ("коли" and Коля) or of a medicine but are neither. */
const NOT_NAMES = new Set(['коли', 'кода', 'коди', 'коду', 'кодом', 'дати', 'дата', 'дату', 'дітей', 'діти', 'мене', 'мені', 'мама', 'мами', 'мамі', 'маму',
  'рецепт', 'рецепти', 'рецепта', 'рецепту', 'рецептів', 'направлення', 'направлень', 'скільки', 'сьогодні', 'аптеки', 'аптеці', 'аптека', 'лікаря', 'лікар',
  'діє', 'дійсний', 'дійсне', 'чинний', 'терміну', 'термін', 'закінчується', 'покажи', 'покажіть', 'можна', 'будь', 'ласка', 'дякую']);

/** A question's words in lower case, apostrophes made one, without punctuation. */
function wordsOf(text: string): string[] {
  return text.toLocaleLowerCase('uk').replace(/[’ʼ`´]/g, "'").split(/[^\p{L}']+/u).filter((word) => word.length >= 3 && !NOT_NAMES.has(word));
}

/** Spelling that varies between a name and its cases: apostrophes, ї/і, є/е ("Дарія" and "дар'ї"). */
const fold = (word: string) => word.replace(/'/g, '').replace(/ї/g, 'і').replace(/є/g, 'е');

/** Whether `word` is a form of `name`: the same start (`length` letters; all but the last of a short name, at least 3). */
function sameStem(word: string, name: string, length: number): boolean {
  const [w, n] = [fold(word), fold(name)];
  const stem = n.slice(0, n.length <= length ? Math.max(3, n.length - 1) : length);
  return stem.length >= 3 && w.startsWith(stem) && w.length <= n.length + 3;
}

export interface AskedAbout {
  events: EhealthEvent[];
  /** The question named someone or something among the events (or a document number). */
  named: boolean;
  /** The patient it named, as eHealth wrote the name. */
  who: string | null;
  /** A document number it named that is not among the events. */
  unknownNumber: string | null;
}

/**
 * The events a question is about when it names someone or something among them: a document by its number, a
 * patient by their given name ("код для дарʼї"), or a medicine or a service ("рецепт на лізиноприл", "на УЗД").
 * Otherwise all of them.
 */
export function eventsAskedAbout(events: EhealthEvent[], question: string): AskedAbout {
  const all: AskedAbout = { events, named: false, who: null, unknownNumber: null };
  const typedNumber = DOCUMENT_NUMBER_IN_TEXT.exec(question)?.[0];
  if (typedNumber) {
    const number = normalizeDocumentNumber(typedNumber.replace(/\s/g, ''));
    const about = events.filter((event) => event.number === number);
    return about.length > 0 ? { ...all, events: about, named: true } : { ...all, named: true, events: [], unknownNumber: number };
  }
  const words = wordsOf(question);
  if (words.length === 0) return all;
  // The first given name only: "Олександрівна" is a patronymic, not Олександр.
  const givenName = (event: EhealthEvent) => (event.thirdPerson && event.patientName ? (wordsOf(event.patientName)[1] ?? null) : null);
  const forPatient = events.filter((event) => {
    const name = givenName(event);
    return name !== null && words.some((word) => sameStem(word, name, 4));
  });
  if (forPatient.length > 0) {
    const keys = new Set(forPatient.map((event) => event.patientId ?? event.patientName));
    const about = events.filter((event) => event.thirdPerson && keys.has(event.patientId ?? event.patientName));
    return { ...all, events: about, named: true, who: forPatient[0].patientName };
  }
  const subjectWords = (event: EhealthEvent) => {
    const details = parseDetails(event.details);
    const subject = [details.medication, details.service].filter(Boolean).join(' ');
    // Words of five letters and more, and abbreviations as written (УЗД, МРТ, ЕКГ).
    const abbreviations = (subject.match(/(?<![\p{L}])\p{Lu}{3,4}(?![\p{L}])/gu) ?? []).map((word) => word.toLocaleLowerCase('uk'));
    return [...wordsOf(subject).filter((word) => word.length >= 5), ...abbreviations];
  };
  const matches = (word: string, subject: string) => (subject.length <= 4 ? word === subject : word.length >= 5 && sameStem(word, subject, 5));
  const aboutSubject = events.filter((event) => subjectWords(event).some((subject) => words.some((word) => matches(word, subject))));
  if (aboutSubject.length > 0) {
    const numbers = new Set(aboutSubject.map((event) => event.number));
    return { ...all, events: events.filter((event) => event.number !== null && numbers.has(event.number)), named: true };
  }
  return all;
}

function until(expiresAt: number | null, now: number, t: TFunction, language: Language): string | null {
  if (expiresAt === null) return null;
  return `${t('answers:valid_until', { date: formatValidUntil(expiresAt, language) })} (${t('answers:days_left', { count: daysLeft(expiresAt, now) })})`;
}

function listDocuments(
  documents: PatientDocument[],
  which: 'prescriptions' | 'referrals',
  now: number,
  t: TFunction,
  language: Language,
  none: string,
): string {
  if (documents.length === 0) return none;
  const groups = new Map<string, PatientDocument[]>();
  for (const document of documents.slice(0, MAX_LISTED)) {
    groups.set(document.patientKey, [...(groups.get(document.patientKey) ?? []), document]);
  }
  const lines = [t(`answers:${which}_title`)];
  const headed = groups.size > 1 || !groups.has('self');
  for (const [key, group] of groups) {
    if (headed) lines.push('', key === 'self' ? t('answers:for_you') : t('answers:for_patient', { name: group[0].patientName ?? '—' }));
    for (const document of group) {
      const head = [t('answers:prescription_line', { number: document.number }), document.subject].filter(Boolean).join(' — ');
      const facts =
        document.state === 'active'
          ? [document.code ? t('answers:code', { code: document.code }) : null, until(document.expiresAt, now, t, language), t('answers:active')]
          : [t(`answers:inactive_${document.state}`)];
      lines.push(`• ${head}`, `  ${facts.filter(Boolean).join(' · ')}`);
    }
  }
  if (documents.length > MAX_LISTED) lines.push('', t('answers:more', { count: documents.length - MAX_LISTED }));
  return lines.join('\n');
}

/**
 * eHealth's authorisation codes live 15 minutes unless the push says otherwise (CODE_EXPIRATION_PERIOD_MINUTES,
 * ehealth.md 1.4): one without `expires_at` is not offered as valid days later.
 */
const VERIFICATION_CODE_LIFETIME_MS = 15 * 60_000;

function codeValidUntil(event: EhealthEvent): number | null {
  if (event.expiresAt !== null) return event.expiresAt;
  return event.type === 'verification' ? event.createdAt + VERIFICATION_CODE_LIFETIME_MS : null;
}

type CodeKind = 'verification' | 'medication_request' | 'service_request';

/**
 * Which code a question asks for, by its words: the pharmacy, a medicine or a prescription → the
 * prescription's code; a referral or a test → the referral's; the doctor, a login or a confirmation →
 * eHealth's authorisation code, which must not be handed out as "the code for the pharmacy". Null: any.
 */
export function codeKindAskedFor(question: string): CodeKind | null {
  const text = question.toLocaleLowerCase('uk');
  if (/апте[кч]|лік(и|ів|ами)|лекарств|препарат|медикамент|рецепт|pharm|prescri|medic|drug|insulin|інсулін|инсулин|apte|apty|re[ct]s?ept|liky|likiv|leka/.test(text)) {
    return 'medication_request';
  }
  if (/направлен|скерув|аналіз|анализ|обстеж|referr|узд|мрт|napravl|skeruv/.test(text)) return 'service_request';
  if (/лікар|лікаря|врач|доктор|сімейн|декларац|авториз|підтвердж|подтвержд|вход|вхід|doctor|login|verif|likar|vrach/.test(text)) return 'verification';
  return null;
}

function latestCode(
  events: EhealthEvent[],
  documents: PatientDocument[],
  now: number,
  t: TFunction,
  language: Language,
  kind: CodeKind | null = null,
  none = t('answers:no_code'),
): string {
  const ended = new Set(documents.filter((d) => d.state === 'rejected' || d.state === 'cancelled').map((d) => d.number));
  const event = events.find(
    (e) =>
      e.code &&
      (kind === null ? e.type === 'verification' || e.type === 'medication_request' || e.type === 'service_request' : e.type === kind) &&
      (codeValidUntil(e) ?? Infinity) > now &&
      !(e.number && ended.has(e.number)),
  );
  if (!event || !event.code) return none;
  const what =
    event.type === 'verification'
      ? t('answers:code_for_verification')
      : t(event.type === 'medication_request' ? 'answers:code_for_prescription' : 'answers:code_for_referral', { number: event.number });
  const details = parseDetails(event.details);
  const subject = details.medication ?? details.service;
  const forWhom = event.thirdPerson && event.patientName ? t('answers:for_patient', { name: event.patientName }) : null;
  const lines = [t('answers:last_code', { code: event.code, what: [what, subject].filter(Boolean).join(' — ') })];
  if (forWhom) lines.push(forWhom);
  const validUntil = codeValidUntil(event);
  if (validUntil !== null && event.type === 'verification' && validUntil - now < 24 * 3600_000) {
    // An authorisation code lives minutes: the time of day says more than the date.
    // Without expires_at the lifetime is eHealth's default, 15 minutes; some codes live 5 (declarations).
    const key = event.expiresAt === null ? 'answers:last_code_until_time_at_most' : 'answers:last_code_until_time';
    lines.push(t(key, { time: formatClock(validUntil, language).slice(0, 5) }));
  } else if (validUntil !== null) {
    lines.push(t('answers:last_code_until', { date: formatValidUntil(validUntil, language), left: t('answers:days_left', { count: daysLeft(validUntil, now) }) }));
  }
  return lines.join('\n');
}

/** Until when each valid document is; asked about named ones ("рецепт на лізиноприл ще дійсний?"), those that ended too. */
function expiries(documents: PatientDocument[], now: number, t: TFunction, language: Language, named = false): string {
  const active = documents.filter((d) => d.state === 'active').sort((a, b) => (a.expiresAt ?? Infinity) - (b.expiresAt ?? Infinity));
  const shown = active.length === 0 && named ? documents : active;
  if (shown.length === 0) return t('answers:expiry_none');
  const lines = [t('answers:expiry_title')];
  for (const document of shown.slice(0, MAX_LISTED)) {
    const name = t(document.kind === 'prescription' ? 'answers:expiry_prescription' : 'answers:expiry_referral', { number: document.number });
    const who = document.patientName ? ` (${document.patientName})` : '';
    const subject = document.subject ? ` — ${document.subject}` : '';
    const state = document.state === 'active' ? (until(document.expiresAt, now, t, language) ?? '—') : t(`answers:inactive_${document.state}`);
    lines.push(`• ${name}${subject}${who}: ${state}`);
  }
  if (shown.length > MAX_LISTED) lines.push(t('answers:more', { count: shown.length - MAX_LISTED }));
  return lines.join('\n');
}
