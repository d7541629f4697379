/**
 * The SIP trace: a bounded in-memory ring of the most recent SIP messages this worker received and sent, as the
 * transport saw them (`MessageTap`), searchable by Call-ID, number (user part of the Request-URI, From or To) or
 * address. The operator's sngrep / Homer in the product: `[sipproxy] sip-trace-size` sets how many messages are kept
 * (0, the default, keeps none and costs nothing), live.
 *
 * What a record holds is already masked (trace-mask.ts): a credential or a body the options say to hide is never
 * kept, so neither /trace, the pcap nor the HEP mirror can leak it. Inbound messages are the parsed message
 * re-serialized (after the received/rport stamp of RFC 3581 §4); outbound ones are the exact bytes sent.
 */
import { isRequest, parseMessage, serialize } from '../../sip/index.js';
import type { SipMessage } from '../../sip/index.js';
import type { Destination, MessageSource, MessageTap, TransportProtocol } from '../../sip/index.js';
import type { TraceQuery } from '../../contracts/worker-query.js';
import { maskBytes, type TraceMask } from './trace-mask.js';

export type TraceDirection = 'in' | 'out';

/** What the ladder and the search need of a message: read from its bytes when first asked, then kept. */
export interface TraceSummary {
  /** Request line or status line, e.g. `INVITE sip:2000@site-a` or `200 OK`. */
  readonly firstLine: string;
  readonly method: string;
  readonly status?: number;
  readonly callId: string;
  readonly cseq: string;
  /** User parts of the Request-URI, From and To (the numbers an operator searches for). */
  readonly users: readonly string[];
}

/** One traced message. `local` is the proxy's side, `remote` the peer's. */
export interface TraceRecord {
  /** Increases by one per message this worker traced since it started; pages and ladders are ordered by it. */
  readonly seq: number;
  /** Epoch microseconds (pcap and HEP carry µs). */
  readonly atUs: number;
  readonly direction: TraceDirection;
  readonly transport: TransportProtocol;
  readonly local: { readonly address: string; readonly port: number };
  readonly remote: { readonly address: string; readonly port: number };
  /** The message as kept (masked). */
  readonly data: Buffer;
  /** Filled by `summaryOf` on first use: the hot path only copies bytes. */
  summary?: TraceSummary;
}

export type { TraceQuery };

export const TRACE_PAGE_MAX = 1000;
/** The most a ring may hold whatever sip-trace-size says (the registry's max, repeated as a guard). */
export const TRACE_SIZE_MAX = 100_000;

/** The local address a record shows when the listener is bound to every interface (0.0.0.0 / ::). */
function shownLocal(address: string, fallback: string): string {
  return address === '0.0.0.0' || address === '::' || address === '' ? fallback : address;
}

export class SipTrace implements MessageTap {
  private ring: (TraceRecord | undefined)[] = [];
  private next = 0;
  private seq = 0;
  private capacity = 0;
  private mask: TraceMask = { secrets: true, bodies: false };
  private readonly subscribers = new Set<(r: TraceRecord) => void>();

  /**
   * @param localEndpoint where a message to `destination` leaves from (the transport's listener for that protocol);
   *   used for outbound records, whose bytes do not say.
   * @param advertisedHost shown as the local address when a listener is bound to every interface.
   */
  constructor(
    private readonly localEndpoint: (transport: TransportProtocol) => { address: string; port: number } | undefined,
    private readonly advertisedHost: string,
  ) {}

  /** sip-trace-size and the mask options, live: a smaller size keeps the newest records. */
  configure(size: number, mask: TraceMask): void {
    this.mask = mask;
    const capacity = Math.max(0, Math.min(TRACE_SIZE_MAX, Math.floor(size)));
    if (capacity === this.capacity) return;
    const kept = capacity === 0 ? [] : this.records().slice(-capacity);
    this.capacity = capacity;
    this.ring = kept;
    // Full: slot 0 is the oldest; not full: the next record is appended.
    this.next = capacity === 0 ? 0 : kept.length % capacity;
  }

  get enabled(): boolean {
    return this.capacity > 0 || this.subscribers.size > 0;
  }

  get size(): { capacity: number; held: number; seq: number } {
    return { capacity: this.capacity, held: this.ring.filter(Boolean).length, seq: this.seq };
  }

  /** Another consumer of every record (the HEP mirror); returns the unsubscribe function. */
  subscribe(fn: (r: TraceRecord) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  received(message: SipMessage, source: MessageSource): void {
    if (!this.enabled) return;
    this.add(
      'in',
      message,
      undefined,
      source.transport,
      { address: shownLocal(source.localAddress, this.advertisedHost), port: source.localPort },
      {
        address: source.remoteAddress,
        port: source.remotePort,
      },
    );
  }

  sent(data: Buffer, destination: Destination): void {
    if (!this.enabled) return;
    // The transport sends CRLF keep-alives (RFC 5626 §4.4.1) through here too: not SIP messages.
    if (data.length < 16) return;
    const l = this.localEndpoint(destination.transport);
    const local = {
      address: shownLocal(destination.localAddress ?? l?.address ?? '', this.advertisedHost),
      port: destination.localPort ?? l?.port ?? 0,
    };
    this.add('out', undefined, data, destination.transport, local, { address: destination.host, port: destination.port });
  }

  /** Oldest first. */
  records(): TraceRecord[] {
    const out: TraceRecord[] = [];
    const n = this.ring.length;
    for (let i = 0; i < n; i++) {
      const r = this.ring[(this.next + i) % n];
      if (r) out.push(r);
    }
    return out;
  }

  /** The records matching `query`, oldest first, at most `limit` (default 200, max TRACE_PAGE_MAX). */
  search(query: TraceQuery): { total: number; items: TraceRecord[]; next?: number } {
    const limit = Math.max(1, Math.min(TRACE_PAGE_MAX, query.limit ?? 200));
    const matches = this.matching(query);
    const items = matches.slice(0, limit);
    return { total: matches.length, items, next: matches.length > limit ? items[items.length - 1].seq : undefined };
  }

  /** Every record matching `query` (no page limit: the pcap download), oldest first. */
  matching(query: TraceQuery): TraceRecord[] {
    return this.records().filter((r) => (query.after === undefined || r.seq > query.after) && matchesQuery(r, query));
  }

  /** `message` (received: serialized here) or `raw` (sent: the bytes as they left). */
  private add(
    direction: TraceDirection,
    message: SipMessage | undefined,
    raw: Buffer | undefined,
    transport: TransportProtocol,
    local: { address: string; port: number },
    remote: { address: string; port: number },
  ): void {
    const bytes = raw ?? serialize(message!);
    const record: TraceRecord = {
      seq: ++this.seq,
      atUs: Math.round((performance.timeOrigin + performance.now()) * 1000),
      direction,
      transport,
      local,
      remote,
      data: maskBytes(message, bytes, this.mask),
    };
    if (this.capacity > 0) {
      if (this.ring.length < this.capacity) this.ring.push(record);
      else this.ring[this.next] = record;
      this.next = (this.next + 1) % this.capacity;
    }
    for (const fn of this.subscribers) fn(record);
  }
}

/** The record's summary, read from its bytes once. A record whose bytes do not parse shows its first line only. */
export function summaryOf(r: TraceRecord): TraceSummary {
  if (r.summary) return r.summary;
  const p = parseMessage(r.data);
  r.summary = p.ok
    ? summary(p.message)
    : { firstLine: r.data.subarray(0, Math.max(0, r.data.indexOf(13))).toString('latin1'), method: '', callId: '', cseq: '', users: [] };
  return r.summary;
}

function userOf(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  const m = /^\s*(?:"[^"]*"|[^<]*)?<?\s*(?:sips?|tel):([^@;>?]+)/i.exec(uri);
  return m?.[1];
}

function summary(m: SipMessage): TraceSummary {
  const cseq = m.headers.get('cseq') ?? '';
  const users = [isRequest(m) ? userOf(m.requestUri) : undefined, userOf(m.headers.get('from')), userOf(m.headers.get('to'))].filter(
    (u): u is string => u !== undefined && u !== '',
  );
  if (isRequest(m)) return { firstLine: `${m.method} ${m.requestUri}`, method: m.method, callId: m.callId, cseq, users };
  return {
    firstLine: `${m.status} ${m.reason}`,
    method: cseq.trim().split(/\s+/)[1] ?? '',
    status: m.status,
    callId: m.callId,
    cseq,
    users,
  };
}

function matchesQuery(r: TraceRecord, query: TraceQuery): boolean {
  if (query.callId !== undefined && summaryOf(r).callId !== query.callId) return false;
  const q = query.q?.trim();
  if (!q) return true;
  const s = summaryOf(r);
  if (s.callId === q) return true;
  if (s.users.some((u) => u.includes(q))) return true;
  const addr = q.replace(/^\[|\](?=:|$)/g, '');
  for (const end of [r.remote, r.local]) {
    if (end.address === addr || `${end.address}:${end.port}` === addr || `[${end.address}]:${end.port}` === q) return true;
  }
  return false;
}
