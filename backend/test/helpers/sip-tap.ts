/**
 * A scripted SIP peer on loopback: UDP, TCP and (with a certificate) TLS on one host:port, recording every message
 * it receives and answering as its `answer` function says (nothing, a response at once, or one after a delay).
 * Tests use it to see what the proxy puts on the wire (probes, forwarded requests, the transport it picked).
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as tls from 'node:tls';

export type TapTransport = 'udp' | 'tcp' | 'tls';

export interface TapMessage {
  at: number;
  transport: TapTransport;
  /** The request method, or undefined for a response. */
  method?: string;
  status?: number;
  text: string;
}

/** What to send back for a request: nothing, a response text, or one after `delayMs`. */
export type TapAnswer = undefined | string | { delayMs: number; text: string };

const CRLF = '\r\n';

/** The first value of a header (case-insensitive, compact forms not handled: the proxy writes full names). */
export function header(text: string, name: string): string | undefined {
  const head = text.split(`${CRLF}${CRLF}`)[0];
  const re = new RegExp(`^${name}\\s*:\\s*(.*)$`, 'im');
  return re.exec(head)?.[1]?.trim();
}

/** A response to `req` (RFC 3261 §8.2.6: Via, From, To with a tag, Call-ID and CSeq copied). */
export function responseTo(req: string, status: number, reason: string, extra: string[] = []): string {
  const head = req.split(`${CRLF}${CRLF}`)[0].split(CRLF);
  const copy = head.filter((l) => /^(via|from|call-id|cseq)\s*:/i.test(l));
  const to = head.find((l) => /^to\s*:/i.test(l)) ?? 'To: <sip:tap@127.0.0.1>';
  const toTagged = /;tag=/i.test(to) ? to : `${to};tag=tap${Math.random().toString(36).slice(2, 8)}`;
  return [`SIP/2.0 ${status} ${reason}`, ...copy, toTagged, ...extra, 'Content-Length: 0', '', ''].join(CRLF);
}

/** Splits a TCP/TLS byte stream into SIP messages (Content-Length framed; CRLF keep-alives dropped). */
function streamFramer(onMessage: (text: string) => void): (chunk: Buffer) => void {
  let buf = '';
  return (chunk) => {
    buf += chunk.toString('latin1');
    for (let guard = 0; guard < 100; guard++) {
      buf = buf.replace(/^(\r\n)+/, '');
      const end = buf.indexOf(`${CRLF}${CRLF}`);
      if (end < 0) return;
      const len = Number(header(buf.slice(0, end + 4), 'Content-Length') ?? 0);
      if (buf.length < end + 4 + len) return;
      onMessage(buf.slice(0, end + 4 + len));
      buf = buf.slice(end + 4 + len);
    }
  };
}

export class SipTap {
  readonly messages: TapMessage[] = [];
  /** TLS handshakes the tap's TLS listener saw fail (a client that refused our certificate). */
  readonly tlsErrors: string[] = [];
  answer: (m: TapMessage) => TapAnswer = () => undefined;
  private udp: dgram.Socket | undefined;
  private servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly opts: { transports?: TapTransport[]; tls?: tls.TlsOptions } = {},
  ) {}

  async start(): Promise<this> {
    const transports = this.opts.transports ?? ['udp'];
    if (transports.includes('udp')) {
      const s = dgram.createSocket('udp4');
      this.udp = s;
      s.on('message', (m, rinfo) =>
        this.received('udp', m.toString('latin1'), (t) => s.send(Buffer.from(t, 'latin1'), rinfo.port, rinfo.address)),
      );
      await new Promise<void>((r, j) => {
        s.once('error', j);
        s.bind(this.port, this.host, () => r());
      });
    }
    const stream = (transport: 'tcp' | 'tls', sock: net.Socket): void => {
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
      sock.on('error', () => undefined);
      sock.on(
        'data',
        streamFramer((t) =>
          this.received(transport, t, (out) => {
            if (!sock.destroyed) sock.write(Buffer.from(out, 'latin1'));
          }),
        ),
      );
    };
    if (transports.includes('tcp')) this.servers.push(await this.listen(net.createServer((s) => stream('tcp', s))));
    if (transports.includes('tls')) {
      const srv = tls.createServer(this.opts.tls ?? {}, (s) => stream('tls', s));
      srv.on('tlsClientError', (e) => this.tlsErrors.push(e.message));
      this.servers.push(await this.listen(srv));
    }
    return this;
  }

  private listen(srv: net.Server): Promise<net.Server> {
    return new Promise((r, j) => {
      srv.once('error', j);
      srv.listen(this.port, this.host, () => r(srv));
    });
  }

  private received(transport: TapTransport, text: string, send: (t: string) => void): void {
    const first = text.slice(0, text.indexOf(CRLF));
    const st = /^SIP\/2\.0 (\d{3})/.exec(first);
    const m: TapMessage = { at: Date.now(), transport, text, ...(st ? { status: Number(st[1]) } : { method: first.split(' ')[0] }) };
    this.messages.push(m);
    if (!m.method || m.method === 'ACK') return;
    const a = this.answer(m);
    if (a === undefined) return;
    if (typeof a === 'string') return send(a);
    const t = setTimeout(() => {
      this.timers.delete(t);
      send(a.text);
    }, a.delayMs);
    this.timers.add(t);
  }

  /** Requests of `method` received so far (optionally since `t0`), one per transaction (retransmissions dropped). */
  requests(method: string, t0 = 0): TapMessage[] {
    const seen = new Set<string>();
    return this.messages.filter((m) => {
      if (m.method !== method || m.at < t0) return false;
      const k = `${header(m.text, 'Call-ID')}|${header(m.text, 'CSeq')}|${header(m.text, 'Via')}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  /** Sends a datagram from the tap's own UDP address (so the proxy sees this host:port as the source). */
  sendUdp(text: string, port: number, host = '127.0.0.1'): void {
    this.udp!.send(Buffer.from(text, 'latin1'), port, host);
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
    if (this.udp) await new Promise<void>((r) => this.udp!.close(() => r()));
  }
}
