import type { OptionsPatch, RawOptions } from '../../api';
import type { OptionSections } from '../OptionsEditor';
import type { OptionValue } from '../../lib/options';

/** How a value is sent and compared: lists as the document writes them ("a,b"), everything else as is. */
export function wireValue(v: OptionValue): string | number | boolean {
  if (Array.isArray(v)) return v.join(',');
  return v;
}

function same(a: unknown, b: unknown): boolean {
  const norm = (x: unknown) => (Array.isArray(x) ? x.join(',') : String(x).replace(/\s*,\s*/g, ','));
  return norm(a) === norm(b);
}

/** The stored options as the editor holds them (a shallow copy, so edits never touch the query cache). */
export function toEditorOptions(raw: RawOptions | undefined): OptionSections {
  const out: OptionSections = {};
  for (const [s, opts] of Object.entries(raw ?? {})) out[s] = { ...(opts as Record<string, OptionValue>) };
  return out;
}

/**
 * Only what the user changed: a value to set, or null to remove an option (its default applies again).
 * Returns undefined when nothing changed.
 */
export function buildOptionsPatch(original: RawOptions | undefined, edited: OptionSections): OptionsPatch | undefined {
  const out: OptionsPatch = {};
  const sections = new Set([...Object.keys(original ?? {}), ...Object.keys(edited)]);
  for (const s of sections) {
    const before = original?.[s] ?? {};
    const after = edited[s] ?? {};
    const names = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const n of names) {
      const b = before[n];
      const a = after[n];
      const aEmpty = a === undefined || a === '' || (Array.isArray(a) && a.length === 0);
      if (aEmpty) {
        if (b !== undefined) (out[s] ??= {})[n] = null;
      } else if (b === undefined || !same(a, b)) {
        (out[s] ??= {})[n] = wireValue(a);
      }
    }
  }
  return Object.keys(out).length ? out : undefined;
}
