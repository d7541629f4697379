/**
 * The YAML configuration document (docs/config-format.md): types, parsing and canonical serialization.
 *
 * Parsing checks only the shape (and folds alias spellings of option names into the canonical one); every value
 * and cross-object rule is checked by `validateConfigDocument` (validation.ts). Unknown options are kept so the UI can
 * show them flagged; the validator reports them as `unknown-option`.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { readCanonicalYaml, writeCanonicalYaml } from './canonical-yaml.js';
import { canonicalOptionName, isOptionAlias, SECTION_ORDER } from './options/option-schema.js';
import type { ValidationError } from './validation-error.js';

/** The only document version this code reads and writes. */
export const CONFIG_DOCUMENT_VERSION = 1;

/** An option value as written in the document (YAML scalar). Normalized typing is the validator's job. */
export type RawOptionValue = string | number | boolean;

/** Options by section, then by canonical option name. */
export type OptionSections = Record<string, Record<string, RawOptionValue>>;

/** An application: a SIP Proxy instance or one SIP Server of an HA pair. */
export interface ApplicationDoc {
  name: string;
  /** `sip-proxy` | `sip-server` (other values are reported by the validator). */
  type: string;
  host?: string;
  /** Port IDs of the Server Info tab: `sip-port`, `http-port`, `tls-port`. */
  ports: Record<string, number>;
  /** A primary SIP Server names its backup. */
  backup?: string;
  options: OptionSections;
}

/** A DN of a switch: `voip-service`, `trunk` or `extension`. */
export interface DnDoc {
  /** The DN number or name (always a string, as written: `1001` and `"1001"` are the same, `0012` stays `0012`). */
  number: string;
  type: string;
  options: OptionSections;
}

/** A switch (site) served by one SIP Server HA pair. */
export interface SwitchDoc {
  name: string;
  /** The primary SIP Server application serving this switch (YAML key `sip-server`). */
  sipServer?: string;
  dns: DnDoc[];
}

export interface ConfigDocument {
  version: number;
  applications: ApplicationDoc[];
  switches: SwitchDoc[];
}

export interface ParseResult {
  /** Best-effort document (empty when the YAML does not parse); use it only when `errors` is empty. */
  readonly doc: ConfigDocument;
  readonly errors: ValidationError[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keys that would touch Object.prototype if used as plain-object keys. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const TOP_KEYS = new Set(['version', 'applications', 'switches']);
const APP_KEYS = new Set(['name', 'type', 'host', 'ports', 'backup', 'options']);
const SWITCH_KEYS = new Set(['name', 'sip-server', 'dns']);
const DN_KEYS = new Set(['number', 'type', 'options']);

/** An empty document. */
export function emptyConfigDocument(): ConfigDocument {
  return { version: CONFIG_DOCUMENT_VERSION, applications: [], switches: [] };
}

/**
 * Parses the YAML text into a document. Never throws: YAML syntax errors and shape errors come back in `errors`,
 * each with a path. Alias spellings (`serving-sipserver`, `siproxy-role`) are stored under the canonical name.
 */
export function parseConfigDocument(yamlText: string): ParseResult {
  const errors: ValidationError[] = [];
  const doc = emptyConfigDocument();
  // Our own exports take the fast path; anything else (comments, flow style, ...) is read by the yaml package.
  let root: unknown = readCanonicalYaml(yamlText);
  if (root === undefined) {
    const read = readWithYamlPackage(yamlText, errors);
    if (errors.length > 0) return { doc, errors };
    root = read;
  }
  if (root === null || root === undefined) return { doc, errors };
  if (!isObj(root)) {
    errors.push({
      path: '',
      code: 'invalid-structure',
      message: 'The document must be a mapping with version, applications and switches.',
    });
    return { doc, errors };
  }
  for (const k of Object.keys(root)) {
    if (!TOP_KEYS.has(k))
      errors.push({ path: k, code: 'unknown-key', message: `Unknown top-level key "${k}"; allowed: version, applications, switches.` });
  }
  if (root.version !== undefined) {
    if (root.version !== CONFIG_DOCUMENT_VERSION) {
      errors.push({
        path: 'version',
        code: 'unsupported-version',
        message: `Document version ${JSON.stringify(root.version)} is not supported; this product reads version ${CONFIG_DOCUMENT_VERSION}.`,
      });
    }
  }
  doc.applications = listOf(root.applications, 'applications', errors, (v, p) => parseApplication(v, p, errors));
  doc.switches = listOf(root.switches, 'switches', errors, (v, p) => parseSwitch(v, p, errors));
  return { doc, errors };
}

function readWithYamlPackage(yamlText: string, errors: ValidationError[]): unknown {
  try {
    const ydoc = parseDocument(yamlText, { uniqueKeys: true, prettyErrors: true, merge: false });
    for (const e of ydoc.errors) errors.push({ path: '', code: 'yaml-syntax', message: `YAML error: ${e.message.split('\n')[0]}` });
    if (ydoc.errors.length > 0) return undefined;
    keepIdentifiersAsWritten(ydoc);
    return ydoc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    errors.push({ path: '', code: 'yaml-syntax', message: `YAML error: ${e instanceof Error ? e.message : String(e)}` });
    return undefined;
  }
}

/** Keys whose value is text that identifies (a name, a DN number, a host): read as written, never as a number. */
const TEXT_KEYS = {
  application: new Set(['name', 'type', 'host', 'backup']),
  switch: new Set(['name', 'sip-server']),
  dn: new Set(['number', 'type']),
};

/**
 * Puts back the text of identifier scalars the YAML core schema read as numbers (`number: 0012`, `+4930123`, `1e3`,
 * `0x1F`, a 20-digit number): turned back into text they would be 12, 4930123, 1000, 31 or a rounded number,
 * another DN than the one written. Only at those places (applications[i], switches[i], switches[i].dns[j]): option
 * values keep their YAML types.
 */
function keepIdentifiersAsWritten(ydoc: Document): void {
  const fix = (node: unknown, keys: Set<string>) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      if (
        isScalar(pair.key) &&
        typeof pair.key.value === 'string' &&
        keys.has(pair.key.value) &&
        isScalar(pair.value) &&
        typeof pair.value.value === 'number' &&
        pair.value.type === 'PLAIN' &&
        pair.value.source !== undefined
      )
        pair.value.value = pair.value.source;
    }
  };
  const list = (node: unknown) => (isSeq(node) ? node.items : []);
  const root = ydoc.contents;
  if (!isMap(root)) return;
  for (const app of list(root.get('applications', true))) fix(app, TEXT_KEYS.application);
  for (const sw of list(root.get('switches', true))) {
    fix(sw, TEXT_KEYS.switch);
    if (isMap(sw)) for (const dn of list(sw.get('dns', true))) fix(dn, TEXT_KEYS.dn);
  }
}

function listOf<T>(v: unknown, path: string, errors: ValidationError[], each: (v: Obj, path: string) => T): T[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    errors.push({ path, code: 'invalid-structure', message: `"${path}" must be a list.` });
    return [];
  }
  const out: T[] = [];
  for (let i = 0; i < v.length; i++) {
    const p = `${path}[${i}]`;
    const item: unknown = v[i];
    if (!isObj(item)) {
      errors.push({ path: p, code: 'invalid-structure', message: `${p} must be a mapping.` });
      continue;
    }
    out.push(each(item, p));
  }
  return out;
}

function unknownKeys(o: Obj, allowed: Set<string>, path: string, what: string, errors: ValidationError[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.has(k)) {
      errors.push({
        path: `${path}.${k}`,
        code: 'unknown-key',
        message: `Unknown key "${k}" on ${what}; allowed: ${[...allowed].join(', ')}.`,
      });
    }
  }
}

function str(o: Obj, key: string, path: string, what: string, errors: ValidationError[], required: boolean): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) errors.push({ path: `${path}.${key}`, code: 'required', message: `${what} needs "${key}".` });
    return undefined;
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  errors.push({ path: `${path}.${key}`, code: 'invalid-type', message: `"${key}" of ${what} must be a string.` });
  return undefined;
}

function parseApplication(o: Obj, path: string, errors: ValidationError[]): ApplicationDoc {
  const name = str(o, 'name', path, `application ${path}`, errors, true) ?? '';
  const what = `application "${name}"`;
  unknownKeys(o, APP_KEYS, path, what, errors);
  const app: ApplicationDoc = { name, type: str(o, 'type', path, what, errors, true) ?? '', ports: {}, options: {} };
  const host = str(o, 'host', path, what, errors, false);
  if (host !== undefined) app.host = host;
  const backup = str(o, 'backup', path, what, errors, false);
  if (backup !== undefined) app.backup = backup;
  if (o.ports !== undefined && o.ports !== null) {
    if (!isObj(o.ports)) {
      errors.push({
        path: `${path}.ports`,
        code: 'invalid-structure',
        message: `"ports" of ${what} must be a mapping of port ID to port number.`,
      });
    } else {
      for (const [id, v] of Object.entries(o.ports)) {
        if (FORBIDDEN_KEYS.has(id)) {
          errors.push({ path: `${path}.ports.${id}`, code: 'invalid-structure', message: `"${id}" cannot be a port ID (${what}).` });
          continue;
        }
        const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
        if (typeof n !== 'number' || !Number.isInteger(n)) {
          errors.push({
            path: `${path}.ports.${id}`,
            code: 'invalid-type',
            message: `Port "${id}" of ${what} must be an integer from 1 to 65535.`,
          });
          continue;
        }
        app.ports[id] = n;
      }
    }
  }
  app.options = parseSections(o.options, `${path}.options`, what, errors);
  return app;
}

function parseSwitch(o: Obj, path: string, errors: ValidationError[]): SwitchDoc {
  const name = str(o, 'name', path, `switch ${path}`, errors, true) ?? '';
  const what = `switch "${name}"`;
  unknownKeys(o, SWITCH_KEYS, path, what, errors);
  const sw: SwitchDoc = { name, dns: [] };
  const sipServer = str(o, 'sip-server', path, what, errors, false);
  if (sipServer !== undefined) sw.sipServer = sipServer;
  sw.dns = listOf(o.dns, `${path}.dns`, errors, (v, p) => parseDn(v, p, name, errors));
  return sw;
}

function parseDn(o: Obj, path: string, switchName: string, errors: ValidationError[]): DnDoc {
  const number = str(o, 'number', path, `DN ${path} of switch "${switchName}"`, errors, true) ?? '';
  const what = `DN "${number}" of switch "${switchName}"`;
  unknownKeys(o, DN_KEYS, path, what, errors);
  return {
    number,
    type: str(o, 'type', path, what, errors, true) ?? '',
    options: parseSections(o.options, `${path}.options`, what, errors),
  };
}

function parseSections(v: unknown, path: string, what: string, errors: ValidationError[]): OptionSections {
  const out: OptionSections = {};
  if (v === undefined || v === null) return out;
  if (!isObj(v)) {
    errors.push({ path, code: 'invalid-structure', message: `"options" of ${what} must be a mapping of section name to options.` });
    return out;
  }
  for (const [section, opts] of Object.entries(v)) {
    const sp = `${path}.${section}`;
    if (FORBIDDEN_KEYS.has(section)) {
      errors.push({ path: sp, code: 'invalid-structure', message: `"${section}" cannot be a section name (${what}).` });
      continue;
    }
    const sec: Record<string, RawOptionValue> = {};
    out[section] = sec;
    if (opts === null || opts === undefined) continue;
    if (!isObj(opts)) {
      errors.push({
        path: sp,
        code: 'invalid-structure',
        message: `Section [${section}] of ${what} must be a mapping of option name to value.`,
      });
      continue;
    }
    const spelledAs = new Map<string, string>();
    for (const [rawName, raw] of Object.entries(opts)) {
      const name = canonicalOptionName(rawName);
      const op = `${sp}.${name}`;
      if (FORBIDDEN_KEYS.has(name)) {
        errors.push({ path: op, code: 'invalid-structure', message: `"${name}" cannot be an option name (${what} [${section}]).` });
        continue;
      }
      const earlier = spelledAs.get(name);
      if (earlier !== undefined) {
        errors.push({
          path: op,
          code: 'duplicate-option',
          message: `Option "${name}" of ${what} [${section}] is given twice ("${earlier}" and "${rawName}" are the same option); keep one.`,
        });
        continue;
      }
      spelledAs.set(name, rawName);
      let value: unknown = raw;
      // A YAML list for a comma-separated option (applications: [A, B]) is accepted and stored in the guide's form.
      if (Array.isArray(value) && value.every((x) => typeof x === 'string' || typeof x === 'number')) value = value.join(',');
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        sec[name] = value;
      } else {
        errors.push({
          path: op,
          code: 'invalid-type',
          message: `Option "${name}"${isOptionAlias(rawName) ? ` (written "${rawName}")` : ''} of ${what} [${section}] must have a single value (string, number or boolean).`,
        });
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------ serialization

const PORT_ORDER = ['sip-port', 'tls-port', 'http-port'];

function sortedKeys(keys: string[], order: readonly string[]): string[] {
  const rank = (k: string): number => {
    const i = order.indexOf(k);
    return i < 0 ? order.length : i;
  };
  return keys.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function sectionsOut(s: OptionSections): Obj | undefined {
  const names = sortedKeys(Object.keys(s), SECTION_ORDER);
  if (names.length === 0) return undefined;
  const out: Obj = {};
  for (const sec of names) {
    const opts = s[sec];
    const o: Obj = {};
    for (const k of Object.keys(opts).sort()) o[k] = opts[k];
    out[sec] = o;
  }
  return out;
}

/** The plain-object form of the document in canonical key order (what `serializeConfigDocument` writes). */
export function configDocumentToPlain(doc: ConfigDocument): Obj {
  return {
    version: doc.version,
    applications: doc.applications.map((a) => {
      const o: Obj = { name: a.name, type: a.type };
      if (a.host !== undefined) o.host = a.host;
      const portIds = sortedKeys(Object.keys(a.ports), PORT_ORDER);
      if (portIds.length > 0) {
        const p: Obj = {};
        for (const id of portIds) p[id] = a.ports[id];
        o.ports = p;
      }
      if (a.backup !== undefined) o.backup = a.backup;
      const opts = sectionsOut(a.options);
      if (opts) o.options = opts;
      return o;
    }),
    switches: doc.switches.map((s) => {
      const o: Obj = { name: s.name };
      if (s.sipServer !== undefined) o['sip-server'] = s.sipServer;
      o.dns = s.dns.map((d) => {
        const dn: Obj = { number: d.number, type: d.type };
        const opts = sectionsOut(d.options);
        if (opts) dn.options = opts;
        return dn;
      });
      return o;
    }),
  };
}

/**
 * Canonical YAML: fixed key order (sections in sipproxy, security, log, TServer order; options by name), applications,
 * switches and DNs in document order, no comments. `parseConfigDocument(serializeConfigDocument(d)).doc` equals `d`
 * for any document `d` that came out of `parseConfigDocument`.
 */
export function serializeConfigDocument(doc: ConfigDocument): string {
  return writeCanonicalYaml(configDocumentToPlain(doc));
}
