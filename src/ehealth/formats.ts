/**
 * eHealth's identifier formats (see ../shared/reference/ehealth.md, "Design takeaways").
 * Pure functions: no I/O, safe on any input.
 */

/** Cyrillic letters that look like Latin ones, as doctors and patients type them into numbers. */
const CYRILLIC_LOOKALIKES: Record<string, string> = {
  А: 'A', В: 'B', С: 'C', Е: 'E', Н: 'H', І: 'I', К: 'K', М: 'M', О: 'O', Р: 'P', Т: 'T', Х: 'X',
};

/** Upper-cases a document number and turns Cyrillic look-alikes into Latin. */
export function normalizeDocumentNumber(raw: string): string {
  return raw
    .trim()
    .toUpperCase()
    .replace(/[АВСЕНІКМОРТХ]/g, (letter) => CYRILLIC_LOOKALIKES[letter])
    .replace(/[‐‑‒–—]/g, '-');
}

/**
 * A prescription or referral number as people copy it into a message: four groups of four letters and digits,
 * with any dash and spaces around it, not glued to other letters or digits. Checked by the formats below only
 * after normalizeDocumentNumber.
 */
export const DOCUMENT_NUMBER_IN_TEXT = /(?<![\p{L}\d])[\p{L}\d]{4}(?:\s?[-‐‑‒–—]\s?[\p{L}\d]{4}){3}(?![\p{L}\d])/u;

/** e-prescription `request_number`: `000n-` then three blocks over digits and A E H K M P T X. */
export const PRESCRIPTION_NUMBER = /^000\d-[0-9AEHKMPTX]{4}-[0-9AEHKMPTX]{4}-[0-9AEHKMPTX]{4}$/;

/** e-referral requisition: four blocks of four over the spec's alphabet, digits and A B C E H I K M O P T X. */
export const REFERRAL_NUMBER = /^[0-9ABCEHIKMOPTX]{4}-[0-9ABCEHIKMOPTX]{4}-[0-9ABCEHIKMOPTX]{4}-[0-9ABCEHIKMOPTX]{4}$/;

/** eHealth confirmation and redemption codes: 4 digits, never a leading zero. */
export const CONFIRMATION_CODE = /^[1-9]\d{3}$/;

/**
 * Normalises a Ukrainian mobile number to E.164 (`+380XXXXXXXXX`), or returns null.
 * Accepts `+380XXXXXXXXX`, `380XXXXXXXXX` and `0XXXXXXXXX`, with spaces, dashes, dots or brackets
 * between the digits as people write them.
 */
export function normalizePhone(raw: string): string | null {
  const trimmed = raw.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return null;
  const plus = trimmed.startsWith('+');
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length === 12 && digits.startsWith('380')) return `+${digits}`;
  if (!plus && digits.length === 10 && digits.startsWith('0')) return `+38${digits}`;
  return null;
}

/**
 * Ukraine's fixed-line area codes (Kyiv 44, Lviv 32, Odesa 48…): no SMS reaches them. Mobile codes
 * (39, 50, 63, 66–68, 73, 75, 77, 89, 91–99) are not listed, so a new mobile code is never refused.
 */
const LANDLINE = /^\+380(?:3[1-8]|4[1-8]|5[1-7]|6[1245]|69)/;

/** Whether an E.164 Ukrainian number is a landline, which cannot receive an SMS. */
export function isUkrainianLandline(phone: string): boolean {
  return LANDLINE.test(phone);
}
