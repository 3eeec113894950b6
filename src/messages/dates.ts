import type { Language } from '../i18n';

const KYIV = 'Europe/Kyiv';
const LOCALES: Record<Language, string> = { uk: 'uk-UA', en: 'en-GB' };

/**
 * "21 грудня 2026" — the way a patient reads a validity date. eHealth ends documents at 23:59:59 UTC,
 * which is already the next day in Kyiv, so such an end of day is shown as its UTC date; any other
 * moment is shown in Kyiv time with the hour.
 */
export function formatValidUntil(epochMs: number, language: Language = 'uk'): string {
  const date = new Date(epochMs);
  const endOfUtcDay = date.getUTCHours() === 23 && date.getUTCMinutes() === 59;
  const day = new Intl.DateTimeFormat(LOCALES[language], {
    timeZone: endOfUtcDay ? 'UTC' : KYIV,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  })
    .format(date)
    .replace(/\s*р\.$/, '');
  if (endOfUtcDay) return day;
  const time = new Intl.DateTimeFormat(LOCALES[language], { timeZone: KYIV, hour: '2-digit', minute: '2-digit', hour12: false }).format(date);
  return `${day}, ${time}`;
}

/** "21.12.2026": the short form, for lists. */
export function formatShortDate(epochMs: number): string {
  const date = new Date(epochMs);
  const endOfUtcDay = date.getUTCHours() === 23 && date.getUTCMinutes() === 59;
  return new Intl.DateTimeFormat('uk-UA', {
    timeZone: endOfUtcDay ? 'UTC' : KYIV,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(date);
}

/** Whole days left until `epochMs`, counting a part of a day as a day; 0 once it has passed. */
export function daysLeft(epochMs: number, now: number): number {
  return Math.max(0, Math.ceil((epochMs - now) / 86_400_000));
}
