import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { type EventType, isPrescriptionType, isReferralType } from '../ehealth/event';
import { DeliveryAttempt } from '../entities/DeliveryAttempt';
import type { EhealthEvent } from '../entities/EhealthEvent';
import { type Language, translator } from '../i18n';
import { dateFormat, formatValidUntil } from '../messages/dates';
import { parseDetails } from '../messages/facts';

export const NOTE_FORMATS = ['html', 'pdf'] as const;
export type NoteFormat = (typeof NOTE_FORMATS)[number];

export interface NoteRow {
  label: string;
  value: string;
}

/**
 * What the information note (інформаційна довідка) says, whatever it is rendered to. It repeats
 * the document as eHealth's own printout does, for a patient who gets no SMS: kind, number, patient,
 * medication or service, doctor and clinic when given, validity, and the code.
 */
export interface NoteContent {
  language: Language;
  title: string;
  subtitle: string;
  /** The document number, set apart (a pharmacist types it). */
  number: NoteRow | null;
  rows: NoteRow[];
  code: NoteRow | null;
  /** A warning above everything: withdrawn, cancelled, expired, or no code given. */
  notices: string[];
  footer: string;
  printed: string;
}

/** The note of one event, in `language` (Ukrainian by default), as of `now`. */
export function noteContent(event: EhealthEvent, now: number, language: Language = 'uk'): NoteContent {
  const t = translator(language);
  const type = event.type as EventType;
  const details = parseDetails(event.details);
  const prescription = isPrescriptionType(type);
  const referral = isReferralType(type);
  const rows: NoteRow[] = [];
  const row = (key: string, value: string | null | undefined) => {
    if (value) rows.push({ label: t(`note:label.${key}`), value });
  };
  row('kind', t(`common:kind.${type}`));
  row('patient', event.patientName);
  if (prescription) {
    row('medication', details.medication);
    row('dosage', details.dosage);
    row('program', details.program);
  }
  if (referral || !prescription) row('service', details.service);
  row('doctor', details.doctor);
  row('clinic', details.legal_entity);
  if (event.expiresAt !== null) row(referral ? 'valid_until_referral' : 'valid_until', formatValidUntil(event.expiresAt, language));

  const notices: string[] = [];
  if (type === 'medication_request_rejected' || type === 'service_request_cancelled') notices.push(t(`note:notice.${type}`));
  if (event.expiresAt !== null && event.expiresAt <= now) notices.push(t('note:notice.expired'));
  const expectsCode = type === 'verification' || type === 'medication_request' || type === 'service_request';
  if (!event.code && expectsCode) notices.push(t('note:notice.no_code'));

  // Without a code, the footer must not ask the patient to show one.
  // A note for a patient who got the SMS (a withdrawn prescription, say) must not claim they get none.
  // An expired document must not send the patient to the pharmacy with its code.
  const expired = event.expiresAt !== null && event.expiresAt <= now;
  const footerKey =
    expired && expectsCode
      ? 'expired'
      : type === 'medication_request' || type === 'service_request'
      ? `${type}${event.code ? '' : '_no_code'}`
      : type === 'verification'
        ? type
        : event.phone === null
          ? 'other_no_phone'
          : 'other';
  return {
    language,
    title: t('note:title'),
    subtitle: t(`note:subtitle.${type}`),
    number: event.number ? { label: t(referral ? 'note:label.number_referral' : 'note:label.number_prescription'), value: event.number } : null,
    rows,
    code: event.code ? { label: t(prescription ? 'note:label.code_prescription' : 'note:label.code'), value: event.code } : null,
    notices,
    footer: t(`note:footer.${footerKey}`),
    printed: t('note:printed', { date: printedAt(now, language), reference: event.id }),
  };
}

function printedAt(now: number, language: Language): string {
  return dateFormat(language, 'Europe/Kyiv', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(now));
}

/**
 * Puts the printing on the event's timeline as an attempt on the `print` channel. The event's own
 * status is left alone: a `print_required` event stays visible as such, a failed SMS stays failed.
 */
export async function recordNotePrint(manager: EntityManager, event: EhealthEvent, format: NoteFormat, now: number): Promise<void> {
  await manager.insert(DeliveryAttempt, {
    id: randomUUID(),
    eventId: event.id,
    round: event.round,
    channel: 'print',
    provider: 'note',
    status: 'sent',
    detail: `information note printed (${format})`,
    externalId: null,
    recipientId: null,
    createdAt: now,
    updatedAt: now,
  });
}
