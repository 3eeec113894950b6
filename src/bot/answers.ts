import type { TFunction } from 'i18next';
import { MoreThanOrEqual, type EntityManager } from 'typeorm';
import { type EventType, isPrescriptionType, isReferralType } from '../ehealth/event';
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
  const { events, named } = eventsAskedAbout(allEvents, question);
  const documents = documentsOf(events, now);
  switch (intent) {
    case 'prescriptions':
      return listDocuments(documents.filter((d) => d.kind === 'prescription'), 'prescriptions', now, t, language);
    case 'referrals':
      return listDocuments(documents.filter((d) => d.kind === 'referral'), 'referrals', now, t, language);
    case 'last_code':
      return latestCode(events, documents, now, t, language, codeKindAskedFor(question));
    case 'expiry':
      return expiries(documents, now, t, language, named);
    case 'help':
      return t('answers:help');
    default:
      return t('answers:unknown');
  }
}

/** Question words that look like the start of a name ("коли" and Коля) or of a medicine but are neither. */
const NOT_NAMES = new Set(['коли', 'кода', 'коди', 'коду', 'кодом', 'дати', 'дата', 'дату', 'дітей', 'діти', 'мене', 'мені', 'мама', 'мами', 'мамі', 'маму',
  'рецепт', 'рецепти', 'рецепта', 'рецепту', 'рецептів', 'направлення', 'направлень', 'скільки', 'сьогодні', 'аптеки', 'аптеці', 'аптека', 'лікаря', 'лікар',
  'діє', 'дійсний', 'дійсне', 'чинний', 'терміну', 'термін', 'закінчується', 'покажи', 'покажіть', 'можна', 'будь', 'ласка', 'дякую']);

/** A question's words in lower case, apostrophes made one, without punctuation. */
function wordsOf(text: string): string[] {
  return text.toLocaleLowerCase('uk').replace(/[’ʼ`´]/g, "'").split(/[^\p{L}']+/u).filter((word) => word.length >= 3 && !NOT_NAMES.has(word));
}

/** Whether `word` is a form of `name`: the same start (4 letters, or all but the last of a short name). */
function sameStem(word: string, name: string, length: number): boolean {
  const stem = name.slice(0, Math.min(length, name.length - 1));
  return stem.length >= 3 && word.startsWith(stem) && word.length <= name.length + 3;
}

/**
 * The events a question is about when it names someone or something among them: a patient by their given
 * name ("код для дарʼї"), or a medicine or a service ("рецепт на лізиноприл"). Otherwise all of them.
 */
export function eventsAskedAbout(events: EhealthEvent[], question: string): { events: EhealthEvent[]; named: boolean } {
  const words = wordsOf(question);
  if (words.length === 0) return { events, named: false };
  const givenNames = (event: EhealthEvent) => (event.thirdPerson && event.patientName ? wordsOf(event.patientName).slice(1) : []);
  const forPatient = events.filter((event) => givenNames(event).some((name) => words.some((word) => sameStem(word, name, 4))));
  if (forPatient.length > 0) {
    const keys = new Set(forPatient.map((event) => event.patientId ?? event.patientName));
    return { events: events.filter((event) => event.thirdPerson && keys.has(event.patientId ?? event.patientName)), named: true };
  }
  const subjectWords = (event: EhealthEvent) => {
    const details = parseDetails(event.details);
    return wordsOf([details.medication, details.service].filter(Boolean).join(' ')).filter((word) => word.length >= 5);
  };
  const aboutSubject = events.filter((event) => subjectWords(event).some((subject) => words.some((word) => word.length >= 5 && sameStem(word, subject, 5))));
  if (aboutSubject.length > 0) {
    const numbers = new Set(aboutSubject.map((event) => event.number));
    return { events: events.filter((event) => event.number !== null && numbers.has(event.number)), named: true };
  }
  return { events, named: false };
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
): string {
  if (documents.length === 0) return t(`answers:none_${which}`);
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

function latestCode(events: EhealthEvent[], documents: PatientDocument[], now: number, t: TFunction, language: Language, kind: CodeKind | null = null): string {
  const ended = new Set(documents.filter((d) => d.state === 'rejected' || d.state === 'cancelled').map((d) => d.number));
  const event = events.find(
    (e) =>
      e.code &&
      (kind === null ? e.type === 'verification' || e.type === 'medication_request' || e.type === 'service_request' : e.type === kind) &&
      (codeValidUntil(e) ?? Infinity) > now &&
      !(e.number && ended.has(e.number)),
  );
  if (!event || !event.code) return t('answers:no_code');
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
    lines.push(t('answers:last_code_until_time', { time: formatClock(validUntil, language).slice(0, 5) }));
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
