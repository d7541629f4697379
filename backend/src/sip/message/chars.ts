/**
 * Character classes from the RFC 3261 §25.1 ABNF, as lookup tables so the hot
 * parsing loops are a single array index per character (no regexes).
 */

function table(chars: string, alnum: boolean): Uint8Array {
  const t = new Uint8Array(128);
  if (alnum) {
    for (let c = 48; c <= 57; c++) t[c] = 1;
    for (let c = 65; c <= 90; c++) t[c] = 1;
    for (let c = 97; c <= 122; c++) t[c] = 1;
  }
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const TOKEN = table("-.!%*_+`'~", true);
/** word (Call-ID) = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" / "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}") */
export const WORD = table('-.!%*_+`\'~()<>:\\"/[]?{}', true);
/** unreserved / escaped(%) / user-unreserved: the characters of a SIP URI user part. */
export const USER = table("-_.!~*'()%&=+$,;?/", true);
/** password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
export const PASSWORD = table("-_.!~*'()%&=+$,", true);
/** Host names and IPv4 (underscore tolerated: seen in the wild). */
export const HOST = table('-._', true);
/** paramchar = param-unreserved / unreserved / escaped */
export const PARAMCHAR = table("[]/:&+$-_.!~*'()%", true);
/** hname / hvalue characters = hnv-unreserved / unreserved / escaped */
export const HNV = table("[]/?:+$-_.!~*'()%", true);
/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
export const SCHEME = table('+-.', true);
/** Characters allowed in an opaque absoluteURI part (uric, RFC 2396). */
export const URIC = table(";/?:@&=+$,-_.!~*'()%[]#", true);
/** Characters of an IPv6 reference between the brackets. */
export const IPV6 = table(':.', true);

export function isToken(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] === 0) return false;
  }
  return true;
}

export function isWs(c: number): boolean {
  return c === 32 || c === 9;
}

/** Index of the first non-SP/HTAB at or after i. */
export function skipWs(s: string, i: number): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

/** Trim SP/HTAB (and stray CR/LF left by bare-LF folding) from both ends. */
export function trimWs(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b) {
    const c = s.charCodeAt(a);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    a++;
  }
  while (b > a) {
    const c = s.charCodeAt(b - 1);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    b--;
  }
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Parse 1*DIGIT exactly (leading zeros allowed); -1 if not all digits or above max. */
export function parseDigits(s: string, max: number): number {
  const n = s.length;
  if (n === 0) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
    if (v > max) return -1;
  }
  return v;
}

/**
 * End index (exclusive, after the closing DQUOTE) of a quoted-string starting at
 * i (which must be a DQUOTE), honouring quoted-pair escapes; -1 if unterminated.
 */
export function quotedEnd(s: string, i: number): number {
  const n = s.length;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c === 92) j++;
    else if (c === 34) return j + 1;
  }
  return -1;
}

/** Content of a quoted-string (without the quotes) with quoted-pairs resolved. */
export function unquote(q: string): string {
  const inner = q.slice(1, -1);
  if (inner.indexOf('\\') === -1) return inner;
  let out = '';
  for (let j = 0; j < inner.length; j++) {
    const c = inner.charCodeAt(j);
    if (c === 92 && j + 1 < inner.length) {
      j++;
      out += inner[j];
    } else out += inner[j];
  }
  return out;
}

/** Quote a string for use as a quoted-string (RFC 3261 §25.1). */
export function quote(s: string): string {
  let out = '"';
  for (let j = 0; j < s.length; j++) {
    const ch = s[j];
    if (ch === '"' || ch === '\\') out += '\\';
    out += ch;
  }
  return out + '"';
}

/**
 * End of a `host` (RFC 3261 §25.1: hostname / IPv4address / IPv6reference) that starts at `i` and ends by `n`, or -1
 * when there is none. ASCII only: an IPv6 reference is brackets around IPv6 characters.
 */
export function scanHost(s: string, i: number, n: number): number {
  if (i < n && s.charCodeAt(i) === 91 /* [ */) {
    const close = s.indexOf(']', i);
    if (close === -1 || close === i + 1 || close >= n) return -1;
    for (let j = i + 1; j < close; j++) {
      const c = s.charCodeAt(j);
      if (c >= 128 || IPV6[c] === 0) return -1;
    }
    return close + 1;
  }
  let j = i;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c >= 128 || HOST[c] === 0) break;
    j++;
  }
  return j === i ? -1 : j;
}
