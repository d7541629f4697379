/**
 * One SIP request sent to the proxy from a chosen loopback address (UDP, or TCP kept open for flows), and the final
 * response it gets. Bounded: no answer within `waitMs` resolves with status 0.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as tls from 'node:tls';

export interface SipRequestSpec {
  method: string;
  ruri: string;
  /** Extra header lines (without CRLF). */
  headers?: string[];
  body?: string;
  /** Source address (127.0.0.x); the port is ephemeral. */
  from?: string;
  waitMs?: number;
  /** In-dialog requests: the dialog's Call-ID, tags and CSeq number (random ids and CSeq 1 otherwise). */
  callId?: string;
  fromTag?: string;
  toTag?: string;
  cseq?: number;
}

export interface SipAnswer {
  status: number;
  text: string;
}

const rnd = (): string => Math.random().toString(36).slice(2, 10);

function requestText(r: SipRequestSpec, transport: 'UDP' | 'TCP' | 'TLS', host: string, port: number): string {
  const body = r.body ?? '';
  return [
    `${r.method} ${r.ruri} SIP/2.0`,
    `Via: SIP/2.0/${transport} ${host}:${port};branch=z9hG4bK${rnd()};rport`,
    'Max-Forwards: 70',
    `From: <sip:proven@${host}>;tag=${r.fromTag ?? rnd()}`,
    `To: <${r.ruri.replace(/;.*$/, '')}>${r.toTag ? `;tag=${r.toTag}` : ''}`,
    `Call-ID: ${r.callId ?? `${rnd()}@proven`}`,
    `CSeq: ${r.cseq ?? 1} ${r.method}`,
    ...(r.headers ?? []),
    `Content-Length: ${body.length}`,
    '',
    body,
  ].join('\r\n');
}

const finalStatus = (t: string): number => Number(/^SIP\/2\.0 (\d{3})/.exec(t)?.[1] ?? 0);

/** Sends over UDP to 127.0.0.1:`proxyPort` and resolves with the final response (status 0: none in time). */
export async function sendUdp(proxyPort: number, r: SipRequestSpec): Promise<SipAnswer> {
  const s = dgram.createSocket('udp4');
  const from = r.from ?? '127.0.0.1';
  await new Promise<void>((res) => s.bind(0, from, () => res()));
  const text = requestText(r, 'UDP', from, s.address().port);
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      s.close();
      resolve({ status: 0, text: '' });
    }, r.waitMs ?? 4000);
    s.on('message', (m) => {
      const a = m.toString('latin1');
      if (finalStatus(a) >= 200) {
        clearTimeout(t);
        s.close();
        resolve({ status: finalStatus(a), text: a });
      }
    });
    s.send(Buffer.from(text, 'latin1'), proxyPort, '127.0.0.1');
  });
}

/** A TCP connection to the proxy that stays open (an RFC 5626 flow): send a request, see the answer and the close. */
export class TcpFlow {
  readonly closed: Promise<void>;
  private buf = '';
  private constructor(readonly sock: net.Socket) {
    this.closed = new Promise((r) => sock.once('close', () => r()));
    sock.on('data', (d) => (this.buf += d.toString('latin1')));
    sock.on('error', () => undefined);
  }

  static async open(proxyPort: number, from: string): Promise<TcpFlow> {
    const sock = net.connect({ host: '127.0.0.1', port: proxyPort, localAddress: from });
    await new Promise<void>((r, j) => {
      sock.once('connect', () => r());
      sock.once('error', j);
    });
    return new TcpFlow(sock);
  }

  /** Sends `r` and waits (bounded) for its final response. */
  async request(r: SipRequestSpec): Promise<SipAnswer> {
    const start = this.buf.length;
    this.sock.write(requestText(r, 'TCP', this.sock.localAddress!, this.sock.localPort!));
    const until = Date.now() + (r.waitMs ?? 4000);
    while (Date.now() < until) {
      const got = this.buf
        .slice(start)
        .split(/(?=SIP\/2\.0 \d{3})/)
        .find((m) => finalStatus(m) >= 200);
      if (got) return { status: finalStatus(got), text: got };
      await new Promise((res) => setTimeout(res, 20));
    }
    return { status: 0, text: '' };
  }

  close(): void {
    this.sock.destroy();
  }
}

export interface TlsAnswer extends SipAnswer {
  /** The negotiated protocol (TLSv1.2, TLSv1.3) when the handshake completed. */
  protocol?: string;
  /** SHA-256 fingerprint of the certificate the server presented. */
  fingerprint?: string;
  error?: string;
}

/**
 * An OPTIONS over a fresh TLS connection to 127.0.0.1:`port` (certificates not verified: the test looks at them).
 * Status 0 with `error` when the handshake or the connection failed, or nothing came back within `waitMs`.
 */
export function tlsOptions(port: number, opts: tls.ConnectionOptions = {}, waitMs = 4000): Promise<TlsAnswer> {
  return new Promise((resolve) => {
    const out: TlsAnswer = { status: 0, text: '' };
    let buf = '';
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...opts });
    const done = (error?: string): void => {
      clearTimeout(t);
      if (error && !out.status) out.error = error;
      s.destroy();
      resolve(out);
    };
    const t = setTimeout(() => done('no answer'), waitMs);
    s.on('secureConnect', () => {
      out.protocol = s.getProtocol() ?? undefined;
      out.fingerprint = s.getPeerCertificate().fingerprint256;
      s.write(requestText({ method: 'OPTIONS', ruri: `sip:127.0.0.1:${port};transport=tls` }, 'TLS', '127.0.0.1', s.localPort ?? 0));
    });
    s.on('data', (d) => {
      buf += d.toString('latin1');
      if (finalStatus(buf) >= 200) {
        out.status = finalStatus(buf);
        out.text = buf;
        done();
      }
    });
    s.on('error', (e) => done(e.message));
    s.on('close', () => done('closed'));
  });
}
