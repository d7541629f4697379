/**
 * What a configuration object's name (application, switch) or a DN number may hold. Names reach logs, YAML, the UI,
 * the API's URL paths and SIP headers (a DN number is a user part), so no control characters (NUL, CR/LF: header
 * and log injection), no bidirectional overrides (text that reads differently from what it is, CVE-2021-42574
 * "Trojan Source") and no `/` or `\` (a path segment of the API). One rule for the validator and the API.
 */
/** C0, DEL and C1 control characters. */
// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Bidirectional formatting characters (embeddings, overrides, isolates, marks). */
export const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * Invisible characters: zero-width space, joiners, word joiner and friends, byte-order mark, soft hyphen. A name
 * holding one looks exactly like another name (`Site\u200bA` is `SiteA` on screen) but is not the same object.
 */
export const INVISIBLE = /[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]/;

/** Applications and switches. */
export const OBJECT_NAME_MAX = 64;
/** DN numbers: longer, for the trunk wizard's `to-<switch>-primary`. */
export const DN_NUMBER_MAX = 128;

/** Why `name` cannot name an object (as "must ..."), or undefined when it can. Emptiness is checked elsewhere. */
export function nameProblem(name: string, max: number): string | undefined {
  if (CONTROL.test(name)) return 'must not contain control characters (NUL, CR, LF, tab...)';
  if (BIDI.test(name)) return 'must not contain bidirectional override characters';
  if (INVISIBLE.test(name)) return 'must not contain invisible characters (zero-width space or joiner, soft hyphen, BOM)';
  if (name.includes('/') || name.includes('\\')) return 'must not contain / or \\';
  if (name.length > max) return `must be at most ${max} characters`;
  return undefined;
}
