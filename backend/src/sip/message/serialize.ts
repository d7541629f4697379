import { parseDigits, trimWs } from './chars.js';
import type { HeadSource } from './headers.js';
import { type SipMessage, SipRequest } from './message.js';

/**
 * Serialize a message (RFC 3261 §7). Content-Length is always written and equals the body
 * length (required on streams, §18.3/§20.14). Unchanged received header fields are copied as
 * received; an entirely unmodified parsed message is copied byte-for-byte without re-encoding.
 */
export function serialize(msg: SipMessage): Buffer {
  const raw = msg._raw;
  if (
    raw !== null &&
    msg.headers === raw.headers &&
    msg.headers.version === 0 &&
    raw.clExact &&
    (msg._body === null || msg._body === raw.body)
  ) {
    const same =
      msg instanceof SipRequest
        ? msg.method === raw.startLine0 && msg.requestUri === raw.startLine1
        : msg.status === raw.status && msg.reason === raw.startLine1;
    if (same) {
      // Unmodified: one copy of the received bytes (header section and body are contiguous).
      const out = Buffer.allocUnsafe(raw.bodyEnd - raw.start);
      raw.buf.copy(out, 0, raw.start, raw.bodyEnd);
      return out;
    }
  }
  const body = msg.body;
  const fields = msg.headers.fields;
  let binary = false;
  for (let i = 0; i < fields.length; i++) {
    const src = fields[i].src;
    if (src !== null && src.latin1) {
      binary = true;
      break;
    }
  }
  let s =
    msg instanceof SipRequest ? msg.method + ' ' + msg.requestUri + ' SIP/2.0\r\n' : 'SIP/2.0 ' + msg.status + ' ' + msg.reason + '\r\n';
  if (binary) s = toBinary(s);
  let clDone = false;
  const bl = body.length;
  // Runs of received fields that were adjacent on the wire are copied as one slice.
  let runSrc: HeadSource | null = null;
  let runStart = 0;
  let runEnd = 0;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (f.key === 'content-length') {
      if (clDone) continue;
      clDone = true;
      if (f.src === null || parseDigits(trimWs(f.value), 0x7fffffff) !== bl) {
        if (runSrc !== null) {
          s += flush(runSrc, runStart, runEnd, binary);
          runSrc = null;
        }
        s += f.name + ': ' + bl + '\r\n';
        continue;
      }
    }
    const fs = f.src;
    if (fs !== null) {
      if (runSrc === fs && isLineBreak(fs.text, runEnd, f.start)) {
        runEnd = f.end;
        continue;
      }
      if (runSrc !== null) s += flush(runSrc, runStart, runEnd, binary);
      runSrc = fs;
      runStart = f.start;
      runEnd = f.end;
      continue;
    }
    if (runSrc !== null) {
      s += flush(runSrc, runStart, runEnd, binary);
      runSrc = null;
    }
    s += (binary ? toBinary(f.name + ': ' + f.value) : f.name + ': ' + f.value) + '\r\n';
  }
  if (runSrc !== null) s += flush(runSrc, runStart, runEnd, binary);
  if (!clDone) s += 'Content-Length: ' + bl + '\r\n';
  s += '\r\n';
  const enc = binary ? 'latin1' : 'utf8';
  const headLen = Buffer.byteLength(s, enc);
  const out = Buffer.allocUnsafe(headLen + bl);
  out.write(s, 0, headLen, enc);
  if (bl > 0) body.copy(out, headLen);
  return out;
}

function flush(src: HeadSource, a: number, b: number, binary: boolean): string {
  const t = src.text.slice(a, b);
  return (binary && !src.latin1 ? toBinary(t) : t) + '\r\n';
}

/** True if s[a, b) is exactly CRLF (bare-LF line ends are not copied, so output is always CRLF). */
function isLineBreak(s: string, a: number, b: number): boolean {
  return b - a === 2 && s.charCodeAt(a) === 13 && s.charCodeAt(a + 1) === 10;
}

/** UTF-8 bytes of s as a one-char-per-byte string (for heads that must be written as latin1). */
function toBinary(s: string): string {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return Buffer.from(s, 'utf8').toString('latin1');
  return s;
}
