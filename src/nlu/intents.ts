/**
 * The intents a patient's Viber question can have. Kept in its own file so data loading, rules and the classifier
 * share one list without importing each other.
 */
export const INTENTS = [
  'prescriptions',
  'referrals',
  'last_code',
  'expiry',
  'help',
  'unsubscribe',
  'unknown',
] as const;

export type Intent = (typeof INTENTS)[number];

/**
 * Intents answered with the patient's own medical data. An unsubscribe request must never land here: answering
 * "stop writing to me" with a list of prescriptions is exactly the behaviour that makes people block the bot.
 */
export const DATA_INTENTS: ReadonlySet<Intent> = new Set<Intent>(['prescriptions', 'referrals', 'last_code', 'expiry']);

export function isDataIntent(intent: Intent): boolean {
  return DATA_INTENTS.has(intent);
}
