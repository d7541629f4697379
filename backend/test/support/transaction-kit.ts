/**
 * Test kit for code built on the transaction layer: a recording fake transport and message
 * builders. Used by this folder's specs; the proxy's unit tests can reuse it.
 */
import {
  parseMessage,
  serialize,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  responseDestination,
  type Destination,
  type MessageHandler,
  type MessageSource,
  type SipTransport,
  type TransportErrorSink,
} from '../../src/sip/index.js';

export interface SentRecord {
  text: string;
  destination: Destination;
  at: number;
  sink: TransportErrorSink | undefined;
}

/** Records every send; while `failWith` is set, each send reports that error to its sink at once. */
export class FakeTransport implements SipTransport {
  readonly sent: SentRecord[] = [];
  handler: MessageHandler | undefined;
  failWith: Error | undefined;
  constructor(private readonly now: () => number = () => 0) {}

  send(message: SipMessage | Buffer, destination: Destination, sink?: TransportErrorSink): string | undefined {
    const text = Buffer.isBuffer(message) ? message.toString('utf8') : serialize(message).toString('utf8');
    this.sent.push({ text, destination, at: this.now(), sink });
    if (this.failWith) sink?.onTransportError(this.failWith);
    return destination.transport === 'udp' ? undefined : (destination.connectionId ?? `${destination.transport}-fake`);
  }

  closeHandler: ((info: { id: string }, error: Error | undefined) => void) | undefined;
  onConnectionClose(handler: (info: { id: string }, error: Error | undefined) => void): void {
    this.closeHandler = handler;
  }

  responseDestination(response: SipResponse, source?: MessageSource): Destination {
    return responseDestination(response, source);
  }

  onMessage(handler: MessageHandler): void {
    this.handler = handler;
  }

  /** Start lines of everything sent so far (e.g. `INVITE sip:bob@b SIP/2.0`, `SIP/2.0 100 Trying`). */
  startLines(): string[] {
    return this.sent.map((s) => s.text.slice(0, s.text.indexOf('\r\n')));
  }

  times(): number[] {
    return this.sent.map((s) => s.at);
  }

  clear(): void {
    this.sent.length = 0;
  }
}

export function parse(text: string): SipMessage {
  const r = parseMessage(Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8'));
  if (!r.ok) throw new Error(`test message did not parse: ${r.error.reason}`);
  return r.message;
}

export interface RequestOptions {
  method: string;
  branch?: string;
  sentBy?: string;
  transport?: string;
  uri?: string;
  callId?: string;
  cseq?: number;
  fromTag?: string;
  toTag?: string;
  extra?: string[];
}

/** A minimal valid request (§8.1.1 mandatory headers). */
export function request(o: RequestOptions): SipRequest {
  const via = `SIP/2.0/${o.transport ?? 'UDP'} ${o.sentBy ?? '192.0.2.10:5060'}${o.branch === '' ? '' : `;branch=${o.branch ?? 'z9hG4bKaaa'}`}`;
  const cseqMethod = o.method === 'ACK' ? 'ACK' : o.method;
  const lines = [
    `${o.method} ${o.uri ?? 'sip:bob@example.com'} SIP/2.0`,
    `Via: ${via}`,
    'Max-Forwards: 70',
    `From: <sip:alice@example.com>;tag=${o.fromTag ?? 'ft1'}`,
    `To: <sip:bob@example.com>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    `Call-ID: ${o.callId ?? 'call-1@example.com'}`,
    `CSeq: ${o.cseq ?? 1} ${cseqMethod}`,
    ...(o.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ];
  const m = parse(lines.join('\r\n'));
  if (!('method' in m)) throw new Error('not a request');
  return m;
}

/** A response carrying the given top Via branch (client-side matching, §17.1.3). */
export function response(
  status: number,
  o: { branch?: string; method?: string; cseq?: number; toTag?: string; reason?: string; sentBy?: string },
): SipResponse {
  const lines = [
    `SIP/2.0 ${status} ${o.reason ?? 'Reason'}`,
    `Via: SIP/2.0/UDP ${o.sentBy ?? '192.0.2.1:5060'};branch=${o.branch ?? 'z9hG4bKclient'}`,
    `From: <sip:alice@example.com>;tag=ft1`,
    `To: <sip:bob@example.com>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    `Call-ID: call-1@example.com`,
    `CSeq: ${o.cseq ?? 1} ${o.method ?? 'INVITE'}`,
    'Content-Length: 0',
    '',
    '',
  ];
  const m = parse(lines.join('\r\n'));
  if ('method' in m) throw new Error('not a response');
  return m;
}

export const UDP_SOURCE: MessageSource = {
  transport: 'udp',
  remoteAddress: '192.0.2.10',
  remotePort: 5060,
  localAddress: '192.0.2.1',
  localPort: 5060,
};

export const TCP_SOURCE: MessageSource = {
  transport: 'tcp',
  remoteAddress: '192.0.2.10',
  remotePort: 40000,
  localAddress: '192.0.2.1',
  localPort: 5060,
  connectionId: 'tcp-1',
};
