/**
 * Option values as releases before strict typing stored them. Those releases took `"5"` for an integer, `"true"` for
 * a bool and stringified anything given to a text option; today's checkOptionValue refuses each as `invalid-type`.
 * A database written then still holds such values, and since every commit validates the whole document, one of them
 * would refuse every later write (and the worker would fall back to the default). `retypeLegacyOptions` rewrites them
 * to the value they always meant: used once, by the migration `1763770000008-option-value-types`.
 */
import type { OptionSections, RawOptionValue } from '../config-document.js';
import { checkOptionValue, findOption, type ObjectKind, type OptionDefinition } from './option-schema.js';

/** The value `raw` meant before strict typing, in the type `def` takes now; `raw` itself when nothing to change. */
export function retypeLegacyValue(def: OptionDefinition, raw: RawOptionValue): RawOptionValue {
  if (checkOptionValue(def, raw).ok) return raw;
  switch (def.type) {
    case 'int':
    case 'port': {
      const s = typeof raw === 'string' ? raw.trim() : '';
      return /^[-+]?\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : raw;
    }
    case 'bool': {
      const s = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      return s === 'true' ? true : s === 'false' ? false : raw;
    }
    case 'enum':
      return raw;
    default:
      // Text types: the old check stringified numbers and booleans.
      return typeof raw === 'string' ? raw : String(raw);
  }
}

/** Every known option of `kind` retyped (unknown options and sections kept as they are); `changed` says if any was. */
export function retypeLegacyOptions(kind: ObjectKind, sections: OptionSections): { options: OptionSections; changed: boolean } {
  let changed = false;
  const options: OptionSections = {};
  for (const [section, opts] of Object.entries(sections ?? {})) {
    if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
      options[section] = opts;
      continue;
    }
    const out: Record<string, RawOptionValue> = {};
    for (const [name, raw] of Object.entries(opts)) {
      const def = findOption(kind, section, name);
      const v = def && raw !== null && typeof raw !== 'object' ? retypeLegacyValue(def, raw) : raw;
      if (v !== raw) changed = true;
      out[name] = v;
    }
    options[section] = out;
  }
  return { options, changed };
}
