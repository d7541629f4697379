/**
 * Secret option values (options marked `secret: true` in the registry, e.g. `[security] certificate-key`).
 *
 * A secret is kept in one place only (the control plane's secret store) and referred to everywhere else by its
 * reference `secret:sha256:<hex>`: the SHA-256 of the value, which identifies it (an export re-imported keeps the
 * key it names) without revealing it. Documents stored, read, exported, diffed and audited carry references; the
 * control plane puts the values back only into the worker's snapshot and into an explicit admin export.
 *
 * A `path-or-pem` secret given as a file path is not masked: the path names where the key is (in the TLS material
 * directory), it is not the key.
 *
 * A private key is a secret wherever it sits: inline PEM holding one in a `path-or-pem` option that is not secret
 * (`certificate`, `trusted-ca`) is masked too. Validation refuses it there (`private-key-misplaced`); the masking is
 * for what was stored before that rule, so that no read shows it.
 */
import { createHash } from 'node:crypto';
import type { ConfigDocument, OptionSections } from './config-document.js';
import {
  canonicalOptionName,
  containsPrivateKey,
  findOption,
  isInlinePem,
  OPTIONS,
  type OptionDefinition,
} from './options/option-schema.js';

export const SECRET_REF_PREFIX = 'secret:sha256:';
const SECRET_REF_RE = /^secret:sha256:[0-9a-f]{64}$/;

/** `secret:sha256:<hex>`: how a secret value is shown and stored outside the secret store. */
export function secretRef(value: string): string {
  return SECRET_REF_PREFIX + createHash('sha256').update(value, 'utf8').digest('hex');
}

export function isSecretRef(v: unknown): v is string {
  return typeof v === 'string' && SECRET_REF_RE.test(v);
}

/** True when `value` of option `def` must be replaced by its reference before it leaves the secret store. */
export function mustMask(def: OptionDefinition | undefined, value: unknown): value is string {
  if (!def || typeof value !== 'string' || isSecretRef(value)) return false;
  if (!def.secret) return def.type === 'path-or-pem' && containsPrivateKey(value);
  return def.type !== 'path-or-pem' || isInlinePem(value);
}

/** Options whose value may be a secret: the secret ones, and PEM options (a private key pasted in the wrong one). */
const maySecret = (d: OptionDefinition) => d.secret === true || d.type === 'path-or-pem';

/** Kind -> sections holding an option that may be secret (the registry decides; nothing else lists secrets). */
const SECRET_SECTIONS = new Map<string, Set<string>>();
for (const d of OPTIONS) {
  if (!maySecret(d)) continue;
  for (const kind of d.objects) {
    const s = SECRET_SECTIONS.get(kind) ?? new Set<string>();
    s.add(d.section);
    SECRET_SECTIONS.set(kind, s);
  }
}
const SECRET_BY_NAME = new Map(OPTIONS.filter((d) => d.secret).map((d) => [d.name, d]));
/** By name, every option that may hold a secret (`mustMask` decides per value). */
const MAY_SECRET_BY_NAME = new Map(OPTIONS.filter(maySecret).map((d) => [d.name, d]));
const DN_HAS_SECRETS = ['voip-service', 'trunk', 'extension'].some((k) => SECRET_SECTIONS.has(k));

type Visit = (
  sections: OptionSections,
  section: string,
  name: string,
  value: string | number | boolean,
  path: string,
  def: OptionDefinition,
) => void;

function visitSections(kind: string, options: OptionSections, path: string, fn: Visit): void {
  const sections = SECRET_SECTIONS.get(kind);
  if (!sections) return;
  for (const section of sections) {
    const opts = options[section];
    if (!opts) continue;
    for (const [name, value] of Object.entries(opts)) {
      const def = findOption(kind, section, name);
      if (def && maySecret(def)) fn(options, section, name, value, `${path}.options.${section}.${name}`, def);
    }
  }
}

/** Calls `fn` for every value of the document that may be secret (with its validation-style path); `mustMask` decides. */
function forEachSecret(doc: ConfigDocument, fn: Visit): void {
  doc.applications.forEach((a, i) => visitSections(a.type, a.options, `applications[${i}]`, fn));
  if (!DN_HAS_SECRETS) return;
  doc.switches.forEach((s, i) => s.dns.forEach((d, j) => visitSections(d.type, d.options, `switches[${i}].dns[${j}]`, fn)));
}

/**
 * Replaces every secret value of `doc` by its reference, in place; returns the values by reference, for the store.
 */
export function maskSecrets(doc: ConfigDocument): Map<string, string> {
  const found = new Map<string, string>();
  forEachSecret(doc, (options, section, name, value, _path, def) => {
    if (!mustMask(def, value)) return;
    const ref = secretRef(value);
    found.set(ref, value);
    options[section][name] = ref;
  });
  return found;
}

/** The references a document holds (to fetch their values from the store). */
export function secretRefsIn(doc: ConfigDocument): Set<string> {
  const refs = new Set<string>();
  forEachSecret(doc, (_o, _s, _n, value) => {
    if (isSecretRef(value)) refs.add(value);
  });
  return refs;
}

/** A reference the store does not hold: the document names a secret this control plane never had. */
export interface UnknownSecret {
  readonly path: string;
  readonly option: string;
  readonly ref: string;
}

/** Puts the values of `known` back in place of their references, in place; returns the references not known. */
export function revealSecrets(doc: ConfigDocument, known: ReadonlyMap<string, string>): UnknownSecret[] {
  const unknown: UnknownSecret[] = [];
  forEachSecret(doc, (options, section, name, value, path) => {
    if (!isSecretRef(value)) return;
    const v = known.get(value);
    if (v === undefined) unknown.push({ path, option: name, ref: value });
    else options[section][name] = v;
  });
  return unknown;
}

/**
 * A copy of any JSON-like value (a request body for the audit log) with every secret option value replaced by its
 * reference, wherever it sits: the key names the option, whatever the nesting (`options.security.certificate-key`).
 */
export function maskSecretsDeep(value: unknown, found?: Map<string, string>, depth = 0): unknown {
  if (depth > 32 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => maskSecretsDeep(v, found, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (mustMask(MAY_SECRET_BY_NAME.get(canonicalOptionName(k)), v)) {
      const ref = secretRef(v);
      found?.set(ref, v);
      out[k] = ref;
    } else out[k] = maskSecretsDeep(v, found, depth + 1);
  }
  return out;
}

/** True when the last segment of an option path (`options.security.certificate-key`) names a secret option. */
export function isSecretOptionPath(field: string | undefined): boolean {
  return !!field && SECRET_BY_NAME.has(canonicalOptionName(field.slice(field.lastIndexOf('.') + 1)));
}

/** `value` of the option named by `field`, masked when that option is secret (for diffs). */
export function maskOptionValue(field: string | undefined, value: unknown, found?: Map<string, string>): unknown {
  if (!field) return value;
  const def = MAY_SECRET_BY_NAME.get(canonicalOptionName(field.slice(field.lastIndexOf('.') + 1)));
  if (!mustMask(def, value)) return value;
  const ref = secretRef(value);
  found?.set(ref, value);
  return ref;
}
