/**
 * `secret` as a token of its own in `text`: not inside a longer run of letters, digits, `_` or `-`.
 * A log's timestamps and random ids hold every 4-digit string sooner or later ("time":1795712349279
 * holds 1234), so a plain substring test of a code fails now and then for no fault.
 */
export function standalone(secret: string): RegExp {
  return new RegExp(`(?<![\\w-])${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`);
}
