/**
 * Typed option values of one object: what the document sets (normalized by the schema) and, for workers, the same
 * with every default filled in.
 */
import type { OptionSections } from '../config-document.js';
import { checkOptionValue, findOption, SECTIONS_BY_KIND, optionsFor } from './option-schema.js';
import type { ObjectKind, OptionValue, SectionName } from './option-schema.js';

/** Options by section then canonical name, typed. */
export type TypedSections = Record<string, Record<string, OptionValue>>;

/** The options the document sets that are known on `kind` and whose value is valid, typed (no defaults). */
export function typedOptions(kind: ObjectKind, sections: OptionSections): TypedSections {
  const out: TypedSections = {};
  for (const [section, opts] of Object.entries(sections)) {
    for (const [name, raw] of Object.entries(opts)) {
      const def = findOption(kind, section, name);
      if (!def) continue;
      const r = checkOptionValue(def, raw);
      if (!r.ok) continue;
      (out[section] ??= {})[def.name] = r.value;
    }
  }
  return out;
}

/**
 * Every option of every section `kind` has, with the document's valid values over the registry defaults.
 * Invalid or unknown values are ignored (validate the document first to report them).
 */
export function optionsWithDefaults(kind: ObjectKind, sections: OptionSections): Record<SectionName, Record<string, OptionValue>> {
  const typed = typedOptions(kind, sections);
  const out = {} as Record<SectionName, Record<string, OptionValue>>;
  for (const section of SECTIONS_BY_KIND[kind]) {
    const values: Record<string, OptionValue> = {};
    for (const def of optionsFor(kind, section)) values[def.name] = typed[section]?.[def.name] ?? def.default;
    out[section] = values;
  }
  return out;
}
