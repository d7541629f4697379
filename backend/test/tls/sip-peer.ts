/**
 * A small SIP endpoint over TLS, TCP or UDP for the TLS/flow integration tests (the brief allows a Node `tls`
 * client speaking SIP where no packaged peer can play the part: RFC 5626 flows, 430, ping/pong, GC). It frames
 * with the stack's StreamFramer, records what it receives, and can answer requests automatically.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { StreamFramer, createResponse, isRequest, parseMessage, serialize, type SipMessage, type SipRequest } from '../../src/sip/index.js';
import { sleep } from '../helpers/net.js';

export type Responder = (req: SipRequest, peer: Endpoint) => void;

/** One connection (or a UDP socket) speaking SIP. */
export class Endpoint {
  readonly received: SipMessage[] = [];
  pongs = 0;
  closed = false;
  responder: Responder | undefined;
  private readonly waiters: { pred: (m: SipMessage) => boolean; resolve: (m: SipMessage) => void }[] = [];
  private readonly framer = new StreamFramer();
  private readonly consumed = new Set<SipMessage>();

  constructor(
    readonly socket: net.Socket | tls.TLSSocket | undefined,
    readonly udp?: { socket: dgram.Socket; to: { host: string; port: number } },
  ) {
    socket?.on('data', (d: Buffer) => {
      // We never ping-pong otherwise: CRLF-only data is the proxy's pong (RFC 5626 §4.4.1), counted per CRLF.
      if (d.every((c) => c === 13 || c === 10)) {
        this.pongs += Math.floor(d.length / 2);
        return;
      }
      for (const ev of this.framer.push(d)) if (ev.type === 'message') this.deliver(ev.message);
    });
    socket?.on('close', () => (this.closed = true));
    socket?.on('error', () => undefined);
  }

  deliver(m: SipMessage): void {
    this.received.push(m);
    for (let i = 0; i < this.waiters.length; i++) {
      const w = this.waiters[i];
      if (w.pred(m)) {
        this.waiters.splice(i, 1);
        this.consumed.add(m);
        w.resolve(m);
        break;
      }
    }
    if (isRequest(m) && m.method !== 'ACK' && this.responder) this.responder(m, this);
  }

  send(m: SipMessage | string, to?: { host: string; port: number }): void {
    const buf = typeof m === 'string' ? Buffer.from(m) : serialize(m);
    if (this.udp) {
      const dest = to ?? this.udp.to;
      this.udp.socket.send(buf, dest.port, dest.host);
    } else this.socket!.write(buf);
  }

  ping(): void {
    this.socket!.write('\r\n\r\n');
  }

  /** Answers `req` (To tag added for > 100). */
  reply(req: SipRequest, status: number, extra: string[] = [], reason = 'OK'): void {
    const r = createResponse(req, status, reason, status > 100 ? 'tag-' + Math.random().toString(36).slice(2, 8) : undefined);
    for (const h of extra) {
      const i = h.indexOf(':');
      r.headers.append(h.slice(0, i), h.slice(i + 1).trim());
    }
    // Record-Route is copied into responses of dialog-creating requests (§12.1.1).
    for (const rr of req.headers.getAll('record-route')) r.headers.append('Record-Route', rr);
    this.send(r, this.udp ? viaTarget(req) : undefined);
  }

  /** The first matching message not yet returned by an earlier waitFor (already received, or the next to come). */
  waitFor(pred: (m: SipMessage) => boolean, timeoutMs = 5000, what = 'message'): Promise<SipMessage> {
    const early = this.received.find((m) => !this.consumed.has(m) && pred(m));
    if (early) {
      this.consumed.add(early);
      return Promise.resolve(early);
    }
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}; got: ${this.received.map(firstLine).join(' | ')}`)),
        timeoutMs,
      );
      this.waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(t);
          resolve(m);
        },
      });
    });
  }

  close(): void {
    this.socket?.destroy();
    this.udp?.socket.close();
  }
}

export function firstLine(m: SipMessage): string {
  return isRequest(m) ? `${m.method} ${m.requestUri}` : `${m.status} ${m.reason} (${m.cseq().method})`;
}

function viaTarget(req: SipRequest): { host: string; port: number } {
  const v = req.topVia()!;
  return { host: v.received ?? v.host, port: typeof v.rport === 'number' ? v.rport : (v.port ?? 5060) };
}

export const isResp =
  (status: number, method?: string) =>
  (m: SipMessage): boolean =>
    !isRequest(m) && m.status === status && (method === undefined || m.cseq().method === method);
export const isReq =
  (method: string) =>
  (m: SipMessage): boolean =>
    isRequest(m) && m.method === method;

/** A TLS client connection to `port` (optionally with a client certificate). */
export async function tlsConnect(port: number, o: { ca: string; cert?: string; key?: string; host?: string }): Promise<Endpoint> {
  const socket = tls.connect({
    host: o.host ?? '127.0.0.1',
    port,
    ca: o.ca,
    cert: o.cert,
    key: o.key,
    servername: 'localhost',
    minVersion: 'TLSv1.2',
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('error', reject);
  });
  return new Endpoint(socket);
}

/** A TLS (or TCP) SIP server: every accepted connection becomes an Endpoint sharing `responder`. */
export class StreamServer {
  readonly endpoints: Endpoint[] = [];
  responder: Responder | undefined;
  private constructor(
    readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(o: { tls?: tls.TlsOptions; host?: string; port?: number }): Promise<StreamServer> {
    const holder: { self?: StreamServer } = {};
    const onConn = (s: net.Socket): void => {
      const ep = new Endpoint(s);
      ep.responder = (r, e) => holder.self?.responder?.(r, e);
      holder.self?.endpoints.push(ep);
    };
    const server = o.tls ? tls.createServer(o.tls, onConn) : net.createServer(onConn);
    await new Promise<void>((resolve) => server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve()));
    holder.self = new StreamServer(server, (server.address() as net.AddressInfo).port);
    return holder.self;
  }

  /** Waits for a message on any connection. */
  async waitFor(pred: (m: SipMessage) => boolean, timeoutMs = 5000, what = 'message'): Promise<{ m: SipMessage; ep: Endpoint }> {
    const until = Date.now() + timeoutMs;
    const seen = new Set<SipMessage>();
    for (const e of this.endpoints) for (const m of e.received) seen.add(m);
    for (;;) {
      for (const ep of this.endpoints) for (const m of ep.received) if (!seen.has(m) && pred(m)) return { m, ep };
      if (Date.now() > until)
        throw new Error(`timed out waiting for ${what}; got: ${this.endpoints.flatMap((e) => e.received.map(firstLine)).join(' | ')}`);
      await sleep(10);
    }
  }

  all(): SipMessage[] {
    return this.endpoints.flatMap((e) => e.received);
  }

  async close(): Promise<void> {
    for (const e of this.endpoints) e.close();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** A UDP SIP endpoint (a SIP Server stand-in that can also originate requests). */
export async function udpEndpoint(to: { host: string; port: number }, host = '127.0.0.1'): Promise<Endpoint & { port: number }> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, host, () => resolve()));
  const ep = new Endpoint(undefined, { socket, to }) as Endpoint & { port: number };
  ep.port = socket.address().port;
  socket.on('message', (buf) => {
    if (buf.length <= 4) return;
    const r = parseMessage(buf);
    if (r.ok) ep.deliver(r.message);
  });
  return ep;
}

/** Builds a request text. */
export function request(
  method: string,
  uri: string,
  o: { via: string; from?: string; to?: string; callId: string; cseq?: number; contact?: string; extra?: string[]; body?: string },
): string {
  const body = o.body ?? '';
  return [
    `${method} ${uri} SIP/2.0`,
    `Via: ${o.via}`,
    'Max-Forwards: 70',
    `From: ${o.from ?? '<sip:1000@example.com>;tag=f1'}`,
    `To: ${o.to ?? '<sip:2000@example.com>'}`,
    `Call-ID: ${o.callId}`,
    `CSeq: ${o.cseq ?? 1} ${method}`,
    ...(o.contact ? [`Contact: ${o.contact}`] : []),
    ...(o.extra ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

let branchN = 0;
export function branch(): string {
  return `z9hG4bK-t${Date.now().toString(36)}-${++branchN}`;
}
