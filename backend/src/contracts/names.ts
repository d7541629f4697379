/**
 * Names of configuration objects (applications, switches, DN numbers within a switch) are unique regardless of case:
 * `SIPProxy_1` and `sipproxy_1` read as the same object in the UI, logs, YAML and the guide's Configuration Manager,
 * so a second one is a duplicate. References (backup, servicing-sipserver, a switch's sip-server...) still name an
 * object exactly as it is spelled. The one rule: validation (`duplicate-name`) and the control plane's 409s use it.
 */

/**
 * The key names are compared by: NFKC first, so that text Unicode holds equivalent reads as one name (`Café` typed
 * composed U+00E9 or decomposed e + U+0301, full-width `ＳiteA`, the ligature `ﬁ`; UAX #15), then lower case.
 * The database's indexes fold A-Z only (migration 1763770000010), a subset of this, so they never refuse what this
 * accepts.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

/** The first of `items` whose name equals `name` regardless of case. */
export function findSameName<T>(items: readonly T[], name: string, nameOf: (item: T) => string): T | undefined {
  const k = nameKey(name);
  return items.find((i) => nameKey(nameOf(i)) === k);
}

/** " (names differ only in case)" (or in Unicode form) when they do, else "". */
export function caseNote(name: string, existing: string): string {
  if (name === existing) return '';
  return name.toLowerCase() === existing.toLowerCase()
    ? ' (names differ only in case)'
    : ' (names differ only in case or Unicode form: composed or decomposed accents, full-width letters)';
}
