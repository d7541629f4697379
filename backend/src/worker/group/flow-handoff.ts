/**
 * RFC 5626 flows in a worker group (issue 16): a UA's TCP/TLS connection lives in one member, but the request that
 * must go down it (the registrar's, by the flow token in its Route, or a dialog's by Record-Route) may arrive at any
 * member. The flow token names the member holding the connection (FlowRegistry `member`); the stack carries it to
 * the destination (`Destination.member`) and sends through the SipTransport it was given. This is that transport:
 *
 * - a send to another member's connection goes to that member over IPC (`flow-send`: the bytes and the destination;
 *   the holder reads the branch); the holder writes the bytes on its connection, so the transaction stays with the member that
 *   received the request (its timers, its response context);
 * - the holder remembers the branch for 5 minutes (Timer C is 3): responses arriving on its connection with that
 *   top-Via branch go back to the sender (`flow-response`), which feeds them to its transaction layer;
 * - the connection is gone at the holder: it answers the request itself with 430 Flow Failed (RFC 5626 §5.3) as a
 *   `flow-response`, exactly what the sender would have answered for a flow of its own.
 */
import {
  createResponse,
  isRequest,
  parseMessage,
  serialize,
  type Destination,
  type MessageHandler,
  type MessageSource,
  type SipMessage,
  type SipResponse,
  type SipTransport,
  type TransportLayer,
} from '../../sip/index.js';
import type { FlowRegistry } from '../../sip/index.js';
import type { GroupBody, GroupLink } from './group-channel.js';

const REMEMBER_MS = 5 * 60_000;

interface Sink {
  onTransportError(error: Error): void;
}

export class FlowHandoff implements SipTransport {
  private handler: MessageHandler | undefined;
  /** Holder: branch -> the member that sent the request down our connection, and when. */
  private readonly forOthers = new Map<string, { member: number; at: number }>();
  private readonly timer: NodeJS.Timeout;
  readonly stats = { handedOff: 0, sentForOthers: 0, responsesReturned: 0, flowFailed: 0 };

  constructor(
    private readonly transport: TransportLayer,
    private readonly link: GroupLink,
  ) {
    transport.onMessage((m, src) => this.received(m, src));
    this.timer = setInterval(() => this.sweep(), 30_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private registry: FlowRegistry | undefined;
  private recording = false;

  /**
   * Shares the bindings of this member's flows with the others, and records theirs (naming the holder), so a
   * request by Request-URI alone (a registrar that ignores Path) finds the flow at any member. A member started
   * again learns the bindings made before it as the UAs register again.
   */
  shareBindings(registry: FlowRegistry): void {
    this.registry = registry;
    registry.onLocalBind = (b) => {
      if (this.recording) return; // another member's (a UDP flow names no member): not ours to share
      const flow = b.flow.connectionId !== undefined ? { ...b.flow, member: this.link.index } : b.flow;
      this.link.send('all', { t: 'flow-bind', binding: { ...b, flow } });
    };
  }

  // ------------------------------------------------------------------ SipTransport for the transaction layer

  send(message: SipMessage | Buffer, destination: Destination, sink?: Sink): string | undefined {
    const member = destination.member;
    if (member === undefined || member === this.link.index) return this.transport.send(message, ownDestination(destination), sink);
    const data = Buffer.isBuffer(message) ? message : serialize(message);
    this.link.send(member, { t: 'flow-send', data: data.toString('base64'), dest: ownDestination(destination) });
    this.stats.handedOff++;
    return undefined;
  }

  responseDestination(response: SipResponse, source?: MessageSource): Destination {
    return this.transport.responseDestination(response, source);
  }

  onMessage(handler: MessageHandler): void {
    this.handler = handler;
  }

  onConnectionClose(handler: (info: { id: string }, error: Error | undefined) => void): void {
    this.transport.onConnectionClose(handler);
  }

  holdConnection(id: string): void {
    this.transport.holdConnection(id);
  }

  releaseConnection(id: string): void {
    this.transport.releaseConnection(id);
  }

  // ------------------------------------------------------------------ IPC

  receive(from: number, body: GroupBody): boolean {
    if (body.t === 'flow-send') {
      this.sendForOther(from, body);
      return true;
    }
    if (body.t === 'flow-bind') {
      // Another member's flow: no Flow-Timer here (the holder collects its own connections).
      this.recording = true;
      try {
        this.registry?.bind({ ...body.binding, flowTimerS: 0 });
      } finally {
        this.recording = false;
      }
      return true;
    }
    if (body.t === 'flow-response') {
      const r = parseMessage(Buffer.from(body.data, 'base64'));
      if (r.ok && !isRequest(r.message)) this.handler?.(r.message, body.source);
      return true;
    }
    return false;
  }

  private sendForOther(from: number, m: Extract<GroupBody, { t: 'flow-send' }>): void {
    const data = Buffer.from(m.data, 'base64');
    // The transaction layer hands over serialized bytes (kept for retransmission): the branch is read here.
    const parsed = parseMessage(data);
    const branch = parsed.ok && isRequest(parsed.message) ? parsed.message.topVia()?.branch : undefined;
    if (branch) this.forOthers.set(branch, { member: from, at: Date.now() });
    this.stats.sentForOthers++;
    let failed = false;
    const fail = (): void => {
      if (failed) return;
      failed = true;
      if (parsed.ok) this.flowFailed(from, parsed.message, m.dest);
    };
    const id = this.transport.send(data, { ...m.dest, requireConnection: true }, { onTransportError: fail });
    if (id === undefined && m.dest.connectionId !== undefined && this.transport.connectionLastReceived(m.dest.connectionId) === undefined)
      fail();
  }

  /** RFC 5626 §5.3: the flow is gone; the request gets 430, which the sender's transaction takes as the answer. */
  private flowFailed(member: number, m: SipMessage, dest: Destination): void {
    if (!isRequest(m) || m.method === 'ACK') return;
    this.stats.flowFailed++;
    const resp = createResponse(m, 430, 'Flow Failed');
    const source: MessageSource = {
      transport: dest.transport,
      remoteAddress: dest.host,
      remotePort: dest.port,
      localAddress: '',
      localPort: 0,
    };
    if (dest.connectionId !== undefined) source.connectionId = dest.connectionId;
    this.link.send(member, { t: 'flow-response', data: serialize(resp).toString('base64'), source });
  }

  /** Every message of our transport: responses for another member's requests go back to it. */
  private received(m: SipMessage, src: MessageSource): void {
    if (this.forOthers.size > 0 && !isRequest(m)) {
      const branch = m.topVia()?.branch;
      const owner = branch !== undefined ? this.forOthers.get(branch) : undefined;
      if (owner) {
        this.stats.responsesReturned++;
        this.link.send(owner.member, { t: 'flow-response', data: serialize(m).toString('base64'), source: src });
        return;
      }
    }
    this.handler?.(m, src);
  }

  private sweep(): void {
    const old = Date.now() - REMEMBER_MS;
    for (const [b, e] of this.forOthers) if (e.at < old) this.forOthers.delete(b);
  }
}

/** The destination as this member's transport sends it (no member: it is ours). */
function ownDestination(d: Destination): Destination {
  if (d.member === undefined) return d;
  const { member: _member, ...rest } = d;
  return rest;
}
