import type { OptionSections, RawOptionValue } from '../../../contracts/config-document.js';
import { canonicalOptionName } from '../../../contracts/options/option-schema.js';
import { badRequest } from '../../common/errors.js';

/** `{ section: { option: value | null } }`: null removes the option (back to its default). */
export type OptionsPatch = Record<string, Record<string, RawOptionValue | null>>;

/** Applies an options patch in place; alias spellings are stored under the canonical name. */
export function applyOptionsPatch(target: OptionSections, patch: unknown, where: string): void {
  if (patch === undefined) return;
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw badRequest('INVALID_BODY', `${where}: options must be an object of sections`);
  for (const [section, opts] of Object.entries(patch as Record<string, unknown>)) {
    if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw badRequest('INVALID_BODY', `${where}: options.${section} must be an object of option values`);
    const sec = (target[section] ??= {});
    for (const [rawName, value] of Object.entries(opts as Record<string, unknown>)) {
      const name = canonicalOptionName(rawName);
      if (name !== rawName) delete sec[rawName];
      if (value === null) { delete sec[name]; continue; }
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw badRequest('INVALID_BODY', `${where}: options.${section}.${rawName} must be a string, number or boolean (or null to remove it)`);
      sec[name] = value;
    }
    if (Object.keys(sec).length === 0) delete target[section];
  }
}

export function requireString(v: unknown, what: string): string {
  if (typeof v !== 'string' || !v.trim()) throw badRequest('INVALID_BODY', `${what} is required (a non-empty string)`);
  return v.trim();
}

export function optionalRevision(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw badRequest('INVALID_BODY', 'revision must be the whole number you read with the object');
  return v;
}
