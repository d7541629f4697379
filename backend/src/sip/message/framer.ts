import type { SipParseError } from './parse-error.js';
import type { SipMessage } from './message.js';
import { type ParserLimits, limitExceeded, parseFramed, resolveLimits, tooLarge } from './parse.js';

/** What the framer found in the byte stream. */
export type FramerEvent =
  | { type: 'message'; message: SipMessage }
  | { type: 'error'; error: SipParseError }
  /** CRLF keep-alive (RFC 5626 §4.4.1): `pong: true` for a CRLFCRLF ping that must be answered with CRLF. */
  | { type: 'keepalive'; pong: boolean };

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

/**
 * Splits a TCP/TLS byte stream into SIP messages using Content-Length (RFC 3261 §18.3),
 * and reports CRLF keep-alives between messages (RFC 5626 §4.4.1). Input may arrive in any
 * chunking; work per byte is amortised O(1) (the header terminator search resumes where it
 * stopped, the buffer grows geometrically). Errors that lose the framing (no header end within
 * `maxMessageBytes`, a header line longer than `maxLineLength` before the header end, bad Content-Length) are
 * `fatal`: the caller must close the connection; after one, push() returns nothing. Such errors still carry the
 * request parsed from the complete lines before the fault when it has what a response needs (RFC 3261 §8.2.6), so
 * the caller can answer 400 / 513 (§21.4.1, §21.5.14) before closing.
 */
export class StreamFramer {
  private readonly limits: Readonly<ParserLimits>;
  private store: Buffer;
  private s: number;
  private e: number;
  /** Offset (relative to s) from which to resume the header-end search. */
  private scanFrom: number;
  /** Total length of the message being collected once its header is complete; -1 while in headers. */
  private need: number;
  /** While in headers: offset (relative to s) where the current, incomplete header line starts. */
  private lineStart: number;
  /** A lone CRLF was reported last; another CRLF completes a ping (chunking-independent pongs). */
  private lastCrlf: boolean;
  private dead: boolean;

  constructor(limits?: Partial<ParserLimits>) {
    this.limits = resolveLimits(limits);
    this.store = Buffer.allocUnsafe(0);
    this.s = 0;
    this.e = 0;
    this.scanFrom = 0;
    this.need = -1;
    this.lineStart = 0;
    this.lastCrlf = false;
    this.dead = false;
  }

  /** True after a fatal error. */
  get closed(): boolean {
    return this.dead;
  }

  /** Bytes buffered and not yet framed. */
  get buffered(): number {
    return this.e - this.s;
  }

  push(chunk: Buffer): FramerEvent[] {
    const events: FramerEvent[] = [];
    if (this.dead || chunk.length === 0) return events;
    this.append(chunk);
    const max = this.limits.maxMessageBytes;
    for (;;) {
      const st = this.store;
      if (this.need < 0) {
        // At a message boundary: CRLF keep-alives / leading CRLFs (RFC 3261 §7.5, RFC 5626 §4.4.1).
        let waitMore = false;
        while (this.s < this.e) {
          const c = st[this.s];
          if (c === 10) {
            this.s++; // stray LF: ignore
            continue;
          }
          if (c !== 13) break;
          if (this.s + 1 >= this.e) {
            waitMore = true;
            break;
          }
          if (st[this.s + 1] !== 10) {
            this.s++; // stray CR: ignore
            continue;
          }
          if (this.s + 3 < this.e && st[this.s + 2] === 13 && st[this.s + 3] === 10) {
            this.s += 4;
            this.lastCrlf = false;
            events.push({ type: 'keepalive', pong: true });
            continue;
          }
          if (this.s + 2 < this.e && st[this.s + 2] === 13 && this.s + 3 >= this.e) {
            waitMore = true; // "\r\n\r" - the ping may complete with the next chunk
            break;
          }
          this.s += 2;
          if (this.lastCrlf) {
            this.lastCrlf = false;
            events.push({ type: 'keepalive', pong: true });
          } else {
            this.lastCrlf = true;
            events.push({ type: 'keepalive', pong: false });
          }
        }
        if (waitMore || this.s >= this.e) break;
        this.lastCrlf = false;
        const avail = this.e - this.s;
        const from = this.s + Math.max(0, this.scanFrom - 3);
        const idx = st.subarray(0, this.e).indexOf(CRLFCRLF, from);
        if (idx === -1) {
          this.scanFrom = avail;
          // Only the bytes of this chunk are new: line lengths are checked on them alone (amortised O(1) per byte).
          if (this.lineTooLong(Math.max(this.s + this.lineStart, this.e - chunk.length))) {
            return this.overLimit(events, 'LINE_TOO_LONG', 'Header Line Too Long', 400);
          }
          if (avail > max) return this.overLimit(events, 'MESSAGE_TOO_LARGE', 'Message Too Large', 513);
          break;
        }
        const headLen = idx + 4 - this.s;
        if (headLen > max) return this.overLimit(events, 'MESSAGE_TOO_LARGE', 'Message Too Large', 513);
        const cl = contentLength(st.toString('latin1', this.s, this.s + headLen));
        if (cl < 0) {
          // Framing is lost; still parse the head so the caller may answer 400 before closing.
          const r = parseFramed(Buffer.from(st.subarray(this.s, this.s + headLen)), this.limits);
          const error: SipParseError = r.ok
            ? { code: 'BAD_CONTENT_LENGTH', reason: 'Malformed Content-Length Header', status: 400, canRespond: false }
            : { ...r.error };
          error.code = 'BAD_CONTENT_LENGTH';
          error.reason = cl === -2 ? 'Conflicting Content-Length Headers' : 'Malformed Content-Length Header';
          error.status = 400;
          error.fatal = true;
          this.dead = true;
          events.push({ type: 'error', error });
          this.release();
          return events;
        }
        if (headLen + cl > max) {
          // The header section is complete: parse it so the caller can still answer 513.
          const r = tooLarge(Buffer.from(st.subarray(this.s, this.s + headLen)), this.limits);
          const error: SipParseError = r.ok
            ? { code: 'MESSAGE_TOO_LARGE', reason: 'Message Too Large', status: 513, canRespond: false }
            : r.error;
          error.fatal = true;
          this.dead = true;
          events.push({ type: 'error', error });
          this.release();
          return events;
        }
        this.need = headLen + cl;
        this.scanFrom = 0;
        this.lineStart = 0;
      }
      if (this.e - this.s < this.need) break;
      const msgBuf = Buffer.allocUnsafe(this.need);
      this.store.copy(msgBuf, 0, this.s, this.s + this.need);
      this.s += this.need;
      this.need = -1;
      const r = parseFramed(msgBuf, this.limits);
      events.push(r.ok ? { type: 'message', message: r.message } : { type: 'error', error: r.error });
    }
    if (this.s === this.e) {
      this.s = 0;
      this.e = 0;
    }
    return events;
  }

  /**
   * Moves lineStart past every line end in [from, e) and says whether a line (a complete one, or the incomplete
   * last one) is longer than maxLineLength (its CR not counted).
   */
  private lineTooLong(from: number): boolean {
    const st = this.store;
    const maxLine = this.limits.maxLineLength;
    let p = from;
    while (p < this.e) {
      const lf = st.indexOf(10, p);
      if (lf === -1 || lf >= this.e) break;
      if (lf - (this.s + this.lineStart) > maxLine + 1) return true;
      this.lineStart = lf + 1 - this.s;
      p = lf + 1;
    }
    return this.e - (this.s + this.lineStart) > maxLine + 1;
  }

  /** A limit hit before the header section ended: fatal, with what the complete lines so far allow to answer. */
  private overLimit(events: FramerEvent[], code: 'MESSAGE_TOO_LARGE' | 'LINE_TOO_LONG', reason: string, status: number): FramerEvent[] {
    this.dead = true;
    // The complete lines: up to the current line, or (header end found past the limit) the last line end that fits.
    let end = this.s + this.lineStart;
    const room = Math.min(this.limits.maxMessageBytes - 2, this.e - this.s);
    if (end === this.s || end - this.s > room) end = Math.max(this.s, this.store.lastIndexOf(10, this.s + room - 1) + 1);
    const head = end > this.s ? Buffer.from(this.store.subarray(this.s, end)) : Buffer.alloc(0);
    const r = limitExceeded(head, this.limits, code, reason, status);
    const error: SipParseError = r.ok ? { code, reason, status, canRespond: false } : r.error;
    error.fatal = true;
    events.push({ type: 'error', error });
    this.release();
    return events;
  }

  private release(): void {
    this.store = Buffer.allocUnsafe(0);
    this.s = 0;
    this.e = 0;
  }

  private append(chunk: Buffer): void {
    const len = this.e - this.s;
    if (this.e + chunk.length <= this.store.length) {
      chunk.copy(this.store, this.e);
      this.e += chunk.length;
      return;
    }
    const needed = len + chunk.length;
    if (needed <= this.store.length && this.s > 0) {
      this.store.copy(this.store, 0, this.s, this.e);
    } else {
      let cap = Math.max(4096, this.store.length);
      while (cap < needed) cap *= 2;
      const ns = Buffer.allocUnsafe(cap);
      this.store.copy(ns, 0, this.s, this.e);
      this.store = ns;
    }
    this.s = 0;
    this.e = len;
    chunk.copy(this.store, this.e);
    this.e += chunk.length;
  }
}

/**
 * Content-Length of a header section (RFC 3261 §20.14, compact `l`): 0 if absent (a stream
 * message without it is treated as bodiless), -1 if malformed, -2 if several disagree.
 */
function contentLength(head: string): number {
  const n = head.length;
  let pos = head.indexOf('\n') + 1;
  let found = -3;
  while (pos > 0 && pos < n) {
    let nl = head.indexOf('\n', pos);
    if (nl === -1) nl = n;
    const c = head.charCodeAt(pos) | 0x20;
    let nameEnd = -1;
    if (c === 0x6c) {
      const c1 = head.charCodeAt(pos + 1);
      if (c1 === 58 || c1 === 32 || c1 === 9) nameEnd = pos + 1; // compact form "l"
    } else if (c === 0x63 && nl - pos > 14 && head.slice(pos, pos + 14).toLowerCase() === 'content-length') {
      nameEnd = pos + 14;
    }
    if (nameEnd > 0) {
      let j = nameEnd;
      while (j < nl && (head.charCodeAt(j) === 32 || head.charCodeAt(j) === 9)) j++;
      if (head.charCodeAt(j) === 58) {
        // value, including folded continuation lines
        let end = nl;
        while (end + 1 < n && (head.charCodeAt(end + 1) === 32 || head.charCodeAt(end + 1) === 9)) {
          const n2 = head.indexOf('\n', end + 1);
          end = n2 === -1 ? n : n2;
        }
        const v = head.slice(j + 1, end).trim();
        let val = v.length === 0 || v.length > 10 ? -1 : 0;
        for (let k = 0; k < v.length && val >= 0; k++) {
          const d = v.charCodeAt(k) - 48;
          if (d < 0 || d > 9) val = -1;
          else val = val * 10 + d;
        }
        if (val < 0) return -1;
        if (found >= 0 && found !== val) return -2;
        found = val;
        nl = end;
      }
    }
    pos = nl + 1;
  }
  return found === -3 ? 0 : found;
}
