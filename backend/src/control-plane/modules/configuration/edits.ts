import type { OptionSections } from '../../../contracts/config-document.js';
import { canonicalOptionName } from '../../../contracts/options/option-schema.js';
import type { OptionsPatch } from './configuration.schemas.js';

/**
 * Applies an options patch (validated by the request schema) in place: null removes an option (back to its
 * default); alias spellings are stored under the canonical name.
 */
export function applyOptionsPatch(target: OptionSections, patch: OptionsPatch | undefined): void {
  for (const [section, opts] of Object.entries(patch ?? {})) {
    const sec = (target[section] ??= {});
    for (const [rawName, value] of Object.entries(opts)) {
      const name = canonicalOptionName(rawName);
      if (name !== rawName) delete sec[rawName];
      if (value === null) {
        delete sec[name];
        continue;
      }
      sec[name] = value;
    }
    if (Object.keys(sec).length === 0) delete target[section];
  }
}
