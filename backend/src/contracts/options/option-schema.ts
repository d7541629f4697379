/**
 * The option registry: every option of the source documents (SIP Proxy 8.1 Deployment Guide, seeds/002 and 004)
 * plus the options the product documents as its own extensions, each with the object kind and section it lives on,
 * its type, default, valid values (verbatim from the guide), when a change takes effect, and a description.
 *
 * Framework-free: used by the control plane (`GET /api/options/schema`, validation) and by the standalone proxy.
 */
import { parseDnsServer, parseNetwork } from '../../sip/address.js';
import { OPTION_DEFINITIONS } from './option-definitions.js';

/** Schema version of the registry's JSON form; bump when a field changes meaning. */
export const OPTION_SCHEMA_VERSION = 1;

/** The configuration objects an option can live on. */
export type ApplicationKind = 'sip-proxy' | 'sip-server';
export type DnKind = 'voip-service' | 'trunk' | 'extension';
export type ObjectKind = ApplicationKind | DnKind;

export const APPLICATION_KINDS: readonly ApplicationKind[] = ['sip-proxy', 'sip-server'];
export const DN_KINDS: readonly DnKind[] = ['voip-service', 'trunk', 'extension'];

/** Option sections (Genesys "Options" tab sections); `TServer` on DNs and on SIP Server applications. */
export type SectionName = 'sipproxy' | 'security' | 'log' | 'TServer';

/** Which sections each object kind has, in canonical (display and serialization) order. */
export const SECTIONS_BY_KIND: Readonly<Record<ObjectKind, readonly SectionName[]>> = {
  'sip-proxy': ['sipproxy', 'security', 'log'],
  'sip-server': ['TServer'],
  'voip-service': ['TServer'],
  trunk: ['TServer'],
  extension: ['TServer'],
};

/** Canonical section order, for stable serialization. */
export const SECTION_ORDER: readonly SectionName[] = ['sipproxy', 'security', 'log', 'TServer'];

/** The guide's "Changes Take Effect", normalized. */
export type TakesEffect = 'immediately' | 'next-call' | 'after-restart';

/**
 * Value types.
 * - `int`: integer within [min, max] (a YAML/JSON number; a quoted "5" is the wrong type).
 * - `bool`: `true`/`false` (a YAML/JSON boolean; the string "true" is the wrong type).
 * - `enum`: one of `values` (compared as strings, so `10` and `"10"` are the same).
 * - `string`: any string.
 * - `list`: comma-separated names (normalized to an array of trimmed, non-empty names).
 * - `port`: integer 1-65535 (or [min, max] when given, e.g. 0 allowed to disable).
 * - `host-port`: `host:port` (FQDN or IP literal, IPv6 in brackets).
 * - `sip-contact`: `host[:port][;params]` or a SIP URI, as SIP Server's `contact` option takes it.
 * - `path-or-pem`: a file path (relative to the document's directory) or an inline PEM block.
 */
export type OptionType = 'int' | 'bool' | 'enum' | 'string' | 'list' | 'port' | 'host-port' | 'sip-contact' | 'path-or-pem';

/** A normalized option value. `null` means "not set / no default". */
export type OptionValue = string | number | boolean | readonly string[] | null;

/** One option as it lives on one object kind and section. The same name may have one entry per object scope. */
export interface OptionDefinition {
  /** Canonical name, verbatim from the guide (or the product's extension name). */
  readonly name: string;
  /** Other spellings accepted on input and shown as `name`. */
  readonly aliases: readonly string[];
  /** Object kinds that carry the option in `section`. */
  readonly objects: readonly ObjectKind[];
  readonly section: SectionName;
  readonly type: OptionType;
  /** Typed default (what the worker uses when the option is absent); `null` when none. */
  readonly default: OptionValue;
  /** The guide's "Default Value", verbatim ("NULL", "No default value", ...). */
  readonly defaultText: string;
  /** The guide's "Valid Values", verbatim (or the product's, for extensions). */
  readonly validValuesText: string;
  readonly min?: number;
  readonly max?: number;
  /**
   * Where the option is mandatory (the sip-outbound-proxy VoIP Service DN, a multi-site trunk), the lowest value
   * allowed there: DN oos-check 0 turns detection off, which the guide forbids on those DNs (an extension may use 0).
   * Validation and the UI both read it, so the form refuses what the server refuses.
   */
  readonly mandatoryMin?: number;
  readonly values?: readonly (string | number)[];
  readonly unit?: 'seconds' | 'milliseconds' | 'bytes' | 'count' | 'dialogs-per-second';
  /**
   * For `list` options whose items are not names: `dns-server` = ip, ip:port or [ipv6]:port; `cidr` = address/prefix or
   * address; `log-output` = stdout, stderr or a file name in the worker's log directory (isLogFileName).
   */
  readonly listItem?: 'dns-server' | 'cidr' | 'log-output';
  /** What is allowed, in words, when the type's generic wording would mislead (used in error messages). */
  readonly allowedHint?: string;
  readonly takesEffect: TakesEffect;
  /** The guide's "Changes Take Effect", verbatim. */
  readonly takesEffectText: string;
  /** One line, in our own words. */
  readonly description: string;
  /** True for options the product adds (not in the source documents). */
  readonly extension: boolean;
  /**
   * True when only SIP Server uses the option: the proxy carries it (validation, the document) but changing it
   * changes nothing the proxy does. The UI says so next to the field.
   */
  readonly sipServerOnly?: boolean;
  /** Where the option is documented. */
  readonly source: string;
  readonly relatedFeature?: string;
  /** How a contradiction or oddity of the guide was resolved, or a product rule about this option. */
  readonly note?: string;
  /**
   * The value is a secret (a private key): it never leaves the control plane except to the worker that needs it.
   * Every read, export, version, diff and audit entry shows its fingerprint instead (contracts/secrets.ts).
   */
  readonly secret?: boolean;
}

/** The registry, in display order. */
export const OPTIONS: readonly OptionDefinition[] = OPTION_DEFINITIONS;

const aliasToCanonical = new Map<string, string>();
/** kind -> section -> canonical name -> definition (nested maps: no key strings built per lookup). */
const byScope = new Map<string, Map<string, Map<string, OptionDefinition>>>();
const byName = new Map<string, OptionDefinition[]>();

for (const def of OPTIONS) {
  for (const kind of def.objects) {
    let sections = byScope.get(kind);
    if (!sections) byScope.set(kind, (sections = new Map<string, Map<string, OptionDefinition>>()));
    let names = sections.get(def.section);
    if (!names) sections.set(def.section, (names = new Map<string, OptionDefinition>()));
    if (names.has(def.name)) throw new Error(`option registry: duplicate ${kind} [${def.section}] ${def.name}`);
    names.set(def.name, def);
  }
  const list = byName.get(def.name) ?? [];
  list.push(def);
  byName.set(def.name, list);
  for (const alias of def.aliases) aliasToCanonical.set(alias, def.name);
}

/** The canonical spelling of an option name (`serving-sipserver` -> `servicing-sipserver`); unknown names unchanged. */
export function canonicalOptionName(name: string): string {
  return aliasToCanonical.get(name) ?? name;
}

/** True when `name` is an accepted alias spelling (not the canonical one). */
export function isOptionAlias(name: string): boolean {
  return aliasToCanonical.has(name);
}

/** The option living on `kind` in `section` under `name` (alias accepted), if any. O(1). */
export function findOption(kind: string, section: string, name: string): OptionDefinition | undefined {
  return byScope
    .get(kind)
    ?.get(section)
    ?.get(aliasToCanonical.get(name) ?? name);
}

/** Every registry entry with this name (alias accepted), on any object: used to say where a misplaced option lives. */
export function findOptionsByName(name: string): readonly OptionDefinition[] {
  return byName.get(canonicalOptionName(name)) ?? [];
}

/** All options of one object kind and section, in registry order. */
export function optionsFor(kind: ObjectKind, section: SectionName): readonly OptionDefinition[] {
  const k = `${kind}/${section}`;
  let list = optionsForCache.get(k);
  if (!list) optionsForCache.set(k, (list = OPTIONS.filter((d) => d.section === section && d.objects.includes(kind))));
  return list;
}

const optionsForCache = new Map<string, readonly OptionDefinition[]>();

/** The defaults of one object kind and section, keyed by canonical name. */
export function defaultsFor(kind: ObjectKind, section: SectionName): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const d of optionsFor(kind, section)) out[d.name] = d.default;
  return out;
}

/** Result of checking one raw value against its definition. */
export type OptionValueCheck =
  | { readonly ok: true; readonly value: OptionValue }
  | { readonly ok: false; readonly code: 'invalid-type' | 'out-of-range' | 'invalid-value'; readonly allowed: string };

const INT_RE = /^[+-]?\d+$/;

/** ip, ip:port (IPv4) or [ipv6]:port: whatever the worker's DNS client accepts (its own parser decides). */
function isDnsServer(s: string): boolean {
  try {
    parseDnsServer(s);
    return true;
  } catch {
    return false;
  }
}
const HOST_RE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?)$/;

/** What the schema allows for `def`, in words, for error messages. */
export function describeAllowed(def: OptionDefinition): string {
  if (def.allowedHint !== undefined) return def.allowedHint;
  switch (def.type) {
    case 'int':
    case 'port':
      return `an integer ${rangeText(def)}${def.validValuesText && !/^\d+-\d+$/.test(def.validValuesText) ? ` (guide: "${def.validValuesText}")` : ''}`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return `one of ${(def.values ?? []).join(', ')}`;
    case 'list':
      if (def.listItem === 'cidr')
        return 'a comma-separated list of networks (address/prefix, e.g. 10.1.0.0/16 or 2001:db8::/32) or addresses';
      if (def.listItem === 'log-output')
        return "a comma-separated list of stdout, stderr or file names (letters, digits, . _ -, not starting with a dot; no directory part: files are created in the worker's log directory)";
      return def.listItem === 'dns-server'
        ? 'a comma-separated list of DNS servers (ip, ip:port or [ipv6]:port)'
        : 'a comma-separated list of names';
    case 'host-port':
      return 'host:port (for example proxy.example.com:5060)';
    case 'sip-contact':
      return 'host[:port][;transport=udp|tcp|tls] or a sip:/sips: URI';
    case 'path-or-pem':
      return 'a file path or an inline PEM block';
    case 'string':
      return 'a string';
  }
}

function rangeText(def: OptionDefinition): string {
  const min = def.min ?? (def.type === 'port' ? 1 : undefined);
  const max = def.max ?? (def.type === 'port' ? 65535 : undefined);
  if (min !== undefined && max !== undefined) return `from ${min} to ${max}`;
  if (min !== undefined) return `>= ${min}`;
  if (max !== undefined) return `<= ${max}`;
  return '';
}

function toInt(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? raw : undefined;
  if (typeof raw === 'string' && INT_RE.test(raw.trim())) {
    const n = Number(raw.trim());
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/** Parses `host:port` (host may be a bracketed IPv6 literal); undefined when malformed. */
export function parseHostPort(s: string): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]+\]|[^:\s;]+):(\d{1,5})$/.exec(s.trim());
  if (!m) return undefined;
  const port = Number(m[2]);
  const host = m[1]!; // `!`: the UI type-checks this file with noUncheckedIndexedAccess
  if (port < 1 || port > 65535 || !HOST_RE.test(host)) return undefined;
  return { host, port };
}

/** A SIP Server `contact` value, split: host, optional port, transport (lower case) and other params. */
export interface ParsedContact {
  readonly user?: string;
  readonly host: string;
  readonly port?: number;
  readonly transport?: string;
  readonly params: Readonly<Record<string, string | null>>;
}

const NO_PARAMS: Readonly<Record<string, string | null>> = Object.freeze({});

/** Parses `[sip:|sips:][user@]host[:port][;params]`; `sips:` implies transport tls. Undefined when malformed. */
export function parseContact(s: string): ParsedContact | undefined {
  // Hand-rolled (no split/replace): validation parses every DN's contact.
  let rest = s.trim();
  if (rest.startsWith('<') && rest.endsWith('>')) rest = rest.slice(1, -1);
  let secure = false;
  const colon = rest.indexOf(':');
  if (colon === 3 || colon === 4) {
    const scheme = rest.slice(0, colon).toLowerCase();
    if (scheme === 'sip' || scheme === 'sips') {
      secure = scheme === 'sips';
      rest = rest.slice(colon + 1);
    }
  }
  const semi = rest.indexOf(';');
  let hostPart = semi < 0 ? rest : rest.slice(0, semi);
  let user: string | undefined;
  const at = hostPart.lastIndexOf('@');
  if (at >= 0) {
    user = hostPart.slice(0, at);
    hostPart = hostPart.slice(at + 1);
  }
  let host = hostPart;
  let port: number | undefined;
  const close = hostPart.startsWith('[') ? hostPart.indexOf(']') : -1;
  const pc = hostPart.indexOf(':', close < 0 ? 0 : close);
  if (pc >= 0) {
    host = hostPart.slice(0, pc);
    const ps = hostPart.slice(pc + 1);
    if (ps.length === 0 || ps.length > 5) return undefined;
    port = 0;
    for (let i = 0; i < ps.length; i++) {
      const c = ps.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return undefined;
      port = port * 10 + c;
    }
    if (port < 1 || port > 65535) return undefined;
  }
  if (!HOST_RE.test(host)) return undefined;
  let params = NO_PARAMS;
  let transport: string | undefined;
  if (semi >= 0) {
    const p: Record<string, string | null> = {};
    for (const part of rest.slice(semi + 1).split(';')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      if (eq < 0) p[part.toLowerCase()] = null;
      else p[part.slice(0, eq).toLowerCase()] = part.slice(eq + 1);
    }
    params = p;
    transport = p.transport?.toLowerCase() ?? undefined;
  }
  return { user, host, port, transport: transport ?? (secure ? 'tls' : undefined), params };
}

/**
 * A [log] file output: a plain file name, created in the worker's log directory. No directory part and no leading dot
 * (so no `..`): whoever may edit options must not be able to make the worker write to a file of the host.
 */
export function isLogFileName(s: string): boolean {
  return /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/.test(s);
}

const PEM_RE = /-----BEGIN [A-Z0-9 ]+-----/;

/** True when a `path-or-pem` value is inline PEM rather than a path. */
export function isInlinePem(s: string): boolean {
  return PEM_RE.test(s);
}

// RFC 7468 labels of private keys: "PRIVATE KEY" (PKCS #8, §10), "ENCRYPTED PRIVATE KEY" (§11), and the legacy
// "RSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY" that tools still write.
const PRIVATE_KEY_RE = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;

/** True when inline PEM holds a private key (whatever else it holds). */
export function containsPrivateKey(s: string): boolean {
  return PRIVATE_KEY_RE.test(s);
}

/** The YAML/JSON type a value of `def` is written as, for `invalid-type` errors. */
export function expectedType(def: OptionDefinition): string {
  switch (def.type) {
    case 'int':
    case 'port':
      return 'an integer (a YAML/JSON number, unquoted)';
    case 'bool':
      return 'a boolean (true or false, unquoted)';
    case 'enum':
      return (def.values ?? []).every((v) => typeof v === 'number') ? 'a number (or its decimal string)' : 'a string';
    default:
      return 'a string';
  }
}

/** The YAML/JSON type of a raw value, in words. */
export function typeOfValue(raw: unknown): string {
  if (raw === null || raw === undefined) return 'null';
  if (Array.isArray(raw)) return 'a list';
  switch (typeof raw) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return 'a mapping';
  }
}

/**
 * Checks one raw value (as read from YAML or JSON) against its definition and returns the normalized value.
 * Types are strict: an integer option takes a number, a bool option a boolean, the text types a string; `"true"`,
 * `"5"` or `contact: true` are `invalid-type` (a quoted value is text, and a value that changes meaning with the
 * writer's quoting is how a typo reaches a running proxy). Enums compare as strings, so `10` and `"10"` are the
 * same (the UI's select sends text), but a boolean is never an enum value. Never throws.
 */
export function checkOptionValue(def: OptionDefinition, raw: unknown): OptionValueCheck {
  // The description is built only on failure: this runs once per option of every DN.
  const bad = (code: 'invalid-type' | 'out-of-range' | 'invalid-value'): OptionValueCheck => ({
    ok: false,
    code,
    allowed: describeAllowed(def),
  });
  if (raw === null || raw === undefined || typeof raw === 'object') return bad('invalid-type');
  switch (def.type) {
    case 'int':
    case 'port': {
      if (typeof raw !== 'number') return bad('invalid-type');
      const n = toInt(raw);
      if (n === undefined) return bad('invalid-type');
      const min = def.min ?? (def.type === 'port' ? 1 : Number.MIN_SAFE_INTEGER);
      const max = def.max ?? (def.type === 'port' ? 65535 : Number.MAX_SAFE_INTEGER);
      if (n < min || n > max) return bad('out-of-range');
      if (def.values && !def.values.includes(n)) return bad('invalid-value');
      return { ok: true, value: n };
    }
    case 'bool': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      return bad('invalid-type');
    }
    case 'enum': {
      // A list or object never names one value (String(['a']) would read as 'a').
      if (typeof raw !== 'string' && typeof raw !== 'number') return bad('invalid-type');
      const s = String(raw).trim();
      for (const v of def.values ?? []) {
        if (String(v) === s) return { ok: true, value: v };
      }
      return bad('invalid-value');
    }
    case 'list': {
      if (typeof raw !== 'string') return bad('invalid-type');
      const items = raw
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');
      if (def.listItem === 'dns-server' && !items.every(isDnsServer)) return bad('invalid-value');
      // The relay policy's own parser decides (one set of rules for the form and the worker).
      if (def.listItem === 'cidr' && !items.every((i) => parseNetwork(i) !== undefined)) return bad('invalid-value');
      if (def.listItem === 'log-output' && !items.every((i) => i === 'stdout' || i === 'stderr' || isLogFileName(i)))
        return bad('invalid-value');
      return { ok: true, value: items };
    }
    case 'host-port': {
      if (typeof raw !== 'string') return bad('invalid-type');
      if (!parseHostPort(raw)) return bad('invalid-value');
      return { ok: true, value: raw.trim() };
    }
    case 'sip-contact': {
      if (typeof raw !== 'string') return bad('invalid-type');
      if (raw.trim() === '') return { ok: true, value: '' };
      if (!parseContact(raw)) return bad('invalid-value');
      return { ok: true, value: raw.trim() };
    }
    case 'path-or-pem':
    case 'string': {
      if (typeof raw !== 'string') return bad('invalid-type');
      return { ok: true, value: raw };
    }
  }
}

/** The JSON-serializable registry for `GET /api/options/schema`. */
export interface OptionSchemaJson {
  readonly schemaVersion: number;
  readonly objects: Readonly<Record<ObjectKind, readonly SectionName[]>>;
  readonly options: readonly OptionDefinition[];
}

/** The registry as served by `GET /api/options/schema` (plain data; safe to `JSON.stringify`). */
export function optionSchemaJson(): OptionSchemaJson {
  return { schemaVersion: OPTION_SCHEMA_VERSION, objects: SECTIONS_BY_KIND, options: OPTIONS };
}
