/** One call for the standalone proxy and the import endpoint: parse, then validate (only when the parse succeeded). */
import { parseConfigDocument } from './config-document.js';
import type { ConfigDocument } from './config-document.js';
import { validateConfigDocument } from './validation.js';
import type { ValidateOptions } from './validation.js';
import type { ValidationError } from './validation-error.js';

export interface LoadResult {
  /** The document; use it only when `errors` is empty (import is all-or-nothing). */
  readonly doc: ConfigDocument;
  readonly errors: ValidationError[];
}

/** Parses and validates YAML text. Shape errors and value/rule errors are all returned together when possible. */
export function loadConfigDocument(yamlText: string, opts: ValidateOptions = {}): LoadResult {
  const parsed = parseConfigDocument(yamlText);
  if (parsed.errors.some((e) => e.code === 'yaml-syntax' || (e.code === 'invalid-structure' && e.path === ''))) return parsed;
  // The validator re-reports what parsing found missing (e.g. a name): keep one error per path and code.
  const seen = new Set(parsed.errors.map((e) => `${e.path}\u0000${e.code}`));
  const more = validateConfigDocument(parsed.doc, opts).filter((e) => !seen.has(`${e.path}\u0000${e.code}`));
  return { doc: parsed.doc, errors: [...parsed.errors, ...more] };
}
