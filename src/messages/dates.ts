import type { Language } from '../i18n';

const KYIV = 'Europe/Kyiv';
const LOCALES: Record<Language, string> = { uk: 'uk-UA', en: 'en-GB' };

const formats = new Map<string, Intl.DateTimeFormat>();

/** Intl formatters are costly to build (about a millisecond each) and cheap to reuse: keep one per shape. */
export function dateFormat(language: Language, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALES[language], { ...options, timeZone });
    formats.set(key, format);
  }
  return format;
}

/** eHealth ends documents at 23:59:59 UTC, which is already the next day in Kyiv. */
function isEndOfUtcDay(date: Date): boolean {
  return date.getUTCHours() === 23 && date.getUTCMinutes() === 59;
}

/**
 * "21 грудня 2026" — the way a patient reads a validity date. An end of a UTC day is shown as its UTC
 * date; any other moment is shown in Kyiv time with the hour.
 */
export function formatValidUntil(epochMs: number, language: Language = 'uk'): string {
  const date = new Date(epochMs);
  const endOfDay = isEndOfUtcDay(date);
  const day = dateFormat(language, endOfDay ? 'UTC' : KYIV, { day: 'numeric', month: 'long', year: 'numeric' })
    .format(date)
    .replace(/\s*р\.$/, '');
  if (endOfDay) return day;
  return `${day}, ${formatClock(epochMs, language).slice(0, 5)}`;
}

/** "14:05:09" in Kyiv. */
export function formatClock(epochMs: number, language: Language = 'uk'): string {
  return dateFormat(language, KYIV, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(new Date(epochMs));
}

/** "21 грудня" in Kyiv. */
export function formatDayMonth(epochMs: number, language: Language = 'uk'): string {
  return dateFormat(language, KYIV, { day: 'numeric', month: 'long' }).format(new Date(epochMs));
}

/**
 * Days left until `epochMs` as a patient counts them on a calendar: from today in Kyiv to the date the
 * validity is shown with (formatValidUntil). 0 on the last day, and once it has passed.
 */
export function daysLeft(epochMs: number, now: number): number {
  const end = new Date(epochMs);
  const endDay = isEndOfUtcDay(end) ? Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate()) : kyivDay(epochMs);
  return Math.max(0, Math.round((endDay - kyivDay(now)) / 86_400_000));
}

/** Midnight UTC of the calendar day `epochMs` falls on in Kyiv: comparable day numbers. */
function kyivDay(epochMs: number): number {
  const parts = dateFormat('en', KYIV, { year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(new Date(epochMs));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(part('year'), part('month') - 1, part('day'));
}
