import { quotedEnd, trimWs } from './chars.js';

/** Compact header names (RFC 3261 §7.3.3 and §20; RFC 3265, 3515, 3841, 3892, 4028, 4474). */
const COMPACT = new Map<string, string>([
  ['v', 'via'],
  ['i', 'call-id'],
  ['f', 'from'],
  ['t', 'to'],
  ['m', 'contact'],
  ['l', 'content-length'],
  ['c', 'content-type'],
  ['k', 'supported'],
  ['s', 'subject'],
  ['e', 'content-encoding'],
  ['o', 'event'],
  ['u', 'allow-events'],
  ['a', 'accept-contact'],
  ['j', 'reject-contact'],
  ['d', 'request-disposition'],
  ['r', 'refer-to'],
  ['b', 'referred-by'],
  ['x', 'session-expires'],
  ['y', 'identity'],
  ['n', 'identity-info'],
]);

/**
 * Headers whose grammar is a comma-separated list (RFC 3261 §7.3.1), so several values may be
 * joined in one field or spread over several. Others (e.g. WWW-Authenticate, Date) are never split.
 */
const LIST_HEADERS = new Set<string>([
  'via',
  'route',
  'record-route',
  'contact',
  'path',
  'service-route',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'allow',
  'allow-events',
  'accept',
  'accept-encoding',
  'accept-language',
  'content-encoding',
  'content-language',
  'in-reply-to',
  'alert-info',
  'call-info',
  'error-info',
  'warning',
  'reason',
  'accept-contact',
  'reject-contact',
  'request-disposition',
  'security-client',
  'security-server',
  'security-verify',
  'p-asserted-identity',
  'p-preferred-identity',
  'p-associated-uri',
  'history-info',
  'privacy',
]);

// Cache of header-name spellings seen on the wire -> canonical key. Bounded so hostile
// input cannot grow it without limit; misses just fall back to toLowerCase().
const keyCache = new Map<string, string>();
const KEY_CACHE_MAX = 4096;

/** Canonical lookup key for a header name: lower-case full form (compact forms expanded). */
export function canonicalKey(name: string): string {
  let k = keyCache.get(name);
  if (k !== undefined) return k;
  const lower = name.toLowerCase();
  k = COMPACT.get(lower) ?? lower;
  if (keyCache.size < KEY_CACHE_MAX) keyCache.set(name, k);
  return k;
}

/** A header name known in advance: canonical key and the usual wire spelling. */
export interface KnownName {
  readonly key: string;
  readonly display: string;
  readonly lower: string;
}

const KNOWN_DISPLAY = [
  'Via',
  'From',
  'To',
  'Call-ID',
  'CSeq',
  'Max-Forwards',
  'Route',
  'Record-Route',
  'Contact',
  'Content-Length',
  'Content-Type',
  'Content-Encoding',
  'Content-Disposition',
  'Content-Language',
  'Allow',
  'Supported',
  'Require',
  'Proxy-Require',
  'Unsupported',
  'User-Agent',
  'Server',
  'Path',
  'Service-Route',
  'Authorization',
  'Proxy-Authorization',
  'WWW-Authenticate',
  'Proxy-Authenticate',
  'Authentication-Info',
  'Expires',
  'Min-Expires',
  'Accept',
  'Accept-Encoding',
  'Accept-Language',
  'Subject',
  'Date',
  'Timestamp',
  'Event',
  'Allow-Events',
  'Subscription-State',
  'Session-Expires',
  'Min-SE',
  'Privacy',
  'P-Asserted-Identity',
  'P-Preferred-Identity',
  'Reason',
  'Refer-To',
  'Referred-By',
  'Replaces',
  'Warning',
  'RAck',
  'RSeq',
  'Organization',
  'Call-Info',
  'Alert-Info',
  'Error-Info',
  'Retry-After',
  'Priority',
  'In-Reply-To',
  'Reply-To',
  'MIME-Version',
  'Identity',
  'Security-Client',
  'Security-Server',
  'Security-Verify',
  'History-Info',
  'Diversion',
  'P-Charging-Vector',
  'X-Real-IP',
];

// Known names hashed by (length, first, last char) into a small table, for allocation-free
// matching of the common header names.
// Dense (pre-filled) so lookups stay on fast elements rather than a sparse dictionary.
const KNOWN_TABLE: Array<KnownName[] | null> = [];
for (let i = 0; i < 1024; i++) KNOWN_TABLE.push(null);
function knownHash(len: number, first: number, last: number): number {
  return ((len << 4) ^ first ^ (last << 3)) & 1023;
}
{
  const add = (display: string, key: string): void => {
    const lower = display.toLowerCase();
    const h = knownHash(lower.length, lower.charCodeAt(0), lower.charCodeAt(lower.length - 1));
    (KNOWN_TABLE[h] ??= []).push({ key, display, lower });
  };
  for (const d of KNOWN_DISPLAY) add(d, d.toLowerCase());
  for (const [c, full] of COMPACT) add(c, full);
}

/** Set by matchKnownName: whether the match was exactly the usual spelling (so no slice is needed). */
export let knownExact = false;

/**
 * Match s[a, b) case-insensitively against the known header names without allocating.
 * Returns the entry, or null. A match implies s[a, b) is a valid token.
 */
export function matchKnownName(s: string, a: number, b: number): KnownName | null {
  const len = b - a;
  const bucket = KNOWN_TABLE[knownHash(len, s.charCodeAt(a) | 0x20, s.charCodeAt(b - 1) | 0x20)];
  if (bucket === null) return null;
  for (let k = 0; k < bucket.length; k++) {
    const e = bucket[k];
    const lower = e.lower;
    if (lower.length !== len) continue;
    const display = e.display;
    let exact = true;
    let i = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(a + i);
      const lc = lower.charCodeAt(i);
      // Strict ASCII case folding: only A-Z fold, so a match also proves the name is a valid token.
      if (c !== lc && (c < 65 || c > 90 || c + 32 !== lc)) break;
      if (c !== display.charCodeAt(i)) exact = false;
    }
    if (i === len) {
      knownExact = exact;
      return e;
    }
  }
  return null;
}

/** True if the header's grammar allows comma-separated values. */
export function isListHeader(key: string): boolean {
  return LIST_HEADERS.has(key);
}

/**
 * Split a comma-separated header value at top-level commas (not inside quoted strings
 * or angle brackets), trimming LWS. Empty elements are dropped.
 */
export function splitList(v: string): string[] {
  const out: string[] = [];
  const n = v.length;
  let start = 0;
  let i = 0;
  let angle = false;
  while (i < n) {
    const c = v.charCodeAt(i);
    if (c === 34) {
      const e = quotedEnd(v, i);
      i = e === -1 ? n : e;
      continue;
    }
    if (c === 60) angle = true;
    else if (c === 62) angle = false;
    else if (c === 44 && !angle) {
      const part = trimWs(v.slice(start, i));
      if (part !== '') out.push(part);
      start = i + 1;
    }
    i++;
  }
  const part = trimWs(start === 0 ? v : v.slice(start));
  if (part !== '') out.push(part);
  return out;
}

/**
 * Decoded header section of a received message, shared by its fields. `latin1` is set when the
 * bytes were not valid UTF-8 and were decoded one byte per char so they can be written back exactly.
 */
export interface HeadSource {
  readonly text: string;
  readonly latin1: boolean;
}

/**
 * One header field line. Immutable: changing a header replaces the field object.
 * `start`/`end` locate the received raw text (name through end of value, folding included)
 * in `src` so unchanged fields serialize byte-for-byte; `src` is null for new fields.
 * The value of a received field is sliced from `src` on first access (most are never read).
 */
export class HeaderField {
  readonly name: string;
  readonly key: string;
  readonly src: HeadSource | null;
  readonly start: number;
  readonly end: number;
  private _value: string | null;

  /** `value` null means: derive it from the received text `src[start, end)` on first access (unfolded fields only). */
  constructor(name: string, key: string, value: string | null, src: HeadSource | null = null, start = -1, end = -1) {
    this.name = name;
    this.key = key;
    this.src = src;
    this.start = start;
    this.end = end;
    this._value = value;
  }

  /** Create a new (not received) field; the name is written as given. */
  static of(name: string, value: string): HeaderField {
    return new HeaderField(name, canonicalKey(name), value);
  }

  /** Field value with LWS folding replaced by single spaces and surrounding whitespace trimmed (RFC 3261 §7.3.1). */
  get value(): string {
    let v = this._value;
    if (v === null) {
      v = this.src === null ? '' : valueOf(this.src.text, this.start, this.end);
      this._value = v;
    }
    return v;
  }

  /** The field as it would be written (without CRLF): received text if unchanged, else `Name: value`. */
  get raw(): string {
    return this.src !== null ? this.src.text.slice(this.start, this.end) : this.name + ': ' + this.value;
  }
}

/** The value part of a single-line header field text[start, end): after ':' and LWS, trailing LWS trimmed. */
function valueOf(text: string, start: number, end: number): string {
  let i = text.indexOf(':', start);
  if (i === -1 || i >= end) return '';
  i++;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  let e = end;
  while (e > i) {
    const c = text.charCodeAt(e - 1);
    if (c !== 32 && c !== 9) break;
    e--;
  }
  return text.slice(i, e);
}

/**
 * Ordered header fields of a SIP message (RFC 3261 §7.3) with canonical-name lookup.
 * Values are unfolded strings; unparsed fields keep their received text for serialization.
 */
export class Headers {
  /** @internal Ordered fields; read via iteration or the accessors. */
  fields: HeaderField[];
  /** Incremented on every change; parsed views are cached against it. */
  version: number;

  constructor(fields?: HeaderField[]) {
    this.fields = fields ?? [];
    this.version = 0;
  }

  /** Number of header fields (lines, not comma-separated values). */
  get size(): number {
    return this.fields.length;
  }

  [Symbol.iterator](): IterableIterator<HeaderField> {
    return this.fields[Symbol.iterator]();
  }

  /** First value of the named header (compact or full name, case-insensitive). */
  get(name: string): string | undefined {
    const key = canonicalKey(name);
    const f = this.fields;
    for (let i = 0; i < f.length; i++) if (f[i].key === key) return f[i].value;
    return undefined;
  }

  /** All values in order; comma-joined values are split for list headers (RFC 3261 §7.3.1). */
  getAll(name: string): string[] {
    const key = canonicalKey(name);
    const list = LIST_HEADERS.has(key);
    const out: string[] = [];
    const f = this.fields;
    for (let i = 0; i < f.length; i++) {
      if (f[i].key !== key) continue;
      if (list) {
        const v = f[i].value;
        if (v.indexOf(',') === -1) {
          if (v !== '') out.push(v);
        } else for (const p of splitList(v)) out.push(p);
      } else out.push(f[i].value);
    }
    return out;
  }

  /** Field objects for the named header, in order. */
  getFields(name: string): HeaderField[] {
    const key = canonicalKey(name);
    return this.fields.filter((f) => f.key === key);
  }

  /** Count of fields (lines) with this name. */
  count(name: string): number {
    const key = canonicalKey(name);
    let c = 0;
    for (const f of this.fields) if (f.key === key) c++;
    return c;
  }

  has(name: string): boolean {
    const key = canonicalKey(name);
    const f = this.fields;
    for (let i = 0; i < f.length; i++) if (f[i].key === key) return true;
    return false;
  }

  /** Replace all fields of this name with one field (at the position of the first), or append. */
  set(name: string, value: string): void {
    const key = canonicalKey(name);
    const nf = new HeaderField(name, key, value);
    const f = this.fields;
    let placed = false;
    let w = 0;
    for (let i = 0; i < f.length; i++) {
      if (f[i].key === key) {
        if (!placed) {
          f[w++] = nf;
          placed = true;
        }
      } else f[w++] = f[i];
    }
    f.length = w;
    if (!placed) f.push(nf);
    this.version++;
  }

  /** Add a field after all others. */
  append(name: string, value: string): void {
    this.fields.push(new HeaderField(name, canonicalKey(name), value));
    this.version++;
  }

  /** Add a field above the topmost field of the same name (or at the very top), e.g. a new Via (RFC 3261 §16.6 step 8). */
  prepend(name: string, value: string): void {
    const key = canonicalKey(name);
    const f = this.fields;
    let at = 0;
    for (let i = 0; i < f.length; i++) {
      if (f[i].key === key) {
        at = i;
        break;
      }
    }
    f.splice(at, 0, new HeaderField(name, key, value));
    this.version++;
  }

  /** Remove all fields with this name; returns how many were removed. */
  remove(name: string): number {
    const key = canonicalKey(name);
    const f = this.fields;
    let w = 0;
    for (let i = 0; i < f.length; i++) if (f[i].key !== key) f[w++] = f[i];
    const removed = f.length - w;
    f.length = w;
    if (removed > 0) this.version++;
    return removed;
  }

  /**
   * Remove the topmost value of a list header, even when comma-joined with others in one field
   * (e.g. pop the top Route, RFC 3261 §16.4, or the top Via of a response, §16.7 step 3).
   * Returns the removed value, or undefined if there was none.
   */
  removeFirstValue(name: string): string | undefined {
    const key = canonicalKey(name);
    const f = this.fields;
    for (let i = 0; i < f.length; i++) {
      if (f[i].key !== key) continue;
      const v = f[i].value;
      // Only list headers may carry several values in one field; others (Date, ...) go whole.
      const parts = v.indexOf(',') === -1 || !LIST_HEADERS.has(key) ? null : splitList(v);
      if (parts === null || parts.length <= 1) {
        f.splice(i, 1);
        this.version++;
        return parts === null ? v : (parts[0] ?? '');
      }
      f[i] = new HeaderField(f[i].name, key, parts.slice(1).join(', '));
      this.version++;
      return parts[0];
    }
    return undefined;
  }

  /** Copy with its own field list; fields are immutable so sharing them is safe. */
  clone(): Headers {
    return new Headers(this.fields.slice());
  }
}
