/**
 * A small UAS built on the transport + transaction layers, for integration tests (SIPp as UAC).
 * INVITE -> 100, 180, 200 (To tag, Contact); 2xx ACK absorbed; BYE/OPTIONS -> 200;
 * REGISTER -> 200 echoing Contact and Expires; CANCEL -> 200 + 487 for the INVITE.
 */
import {
  createResponse,
  type SipRequest,
  type SipResponse,
  TransactionLayer,
  type ServerTransaction,
  TransportLayer,
  type ListenerSpec,
  type TransportLayerOptions,
} from '../../src/sip/index.js';

export interface UasCounters {
  invites: number;
  acks: number;
  byes: number;
  registers: number;
  options: number;
  cancels: number;
  other: number;
}

let tagCounter = 0;

function reply(req: SipRequest, status: number, reason: string, toTag?: string): SipResponse {
  return createResponse(req, status, reason, toTag);
}

/** §13.3.1.4: the UAS core retransmits its 2xx (T1 doubling to T2) until the ACK, for 64*T1. */
class Pending2xx {
  interval = 500;
  elapsed = 0;
  timer: NodeJS.Timeout | undefined;
  constructor(
    readonly tx: ServerTransaction,
    readonly response: SipResponse,
  ) {}
}

export class TestUas {
  /** 2xx retransmissions sent because no ACK came in time (should stay 0 on loopback). */
  okRetransmissions = 0;
  private readonly awaitingAck = new Map<string, Pending2xx>();
  readonly counters: UasCounters = { invites: 0, acks: 0, byes: 0, registers: 0, options: 0, cancels: 0, other: 0 };
  constructor(
    readonly transport: TransportLayer,
    readonly transactions: TransactionLayer,
  ) {
    transactions.onRequest((tx) => this.onRequest(tx));
    transactions.onAck((ack) => {
      this.counters.acks++;
      const key = ack.callId + ' ' + ack.cseq().seq;
      const p = this.awaitingAck.get(key);
      if (p) {
        clearTimeout(p.timer);
        this.awaitingAck.delete(key);
      }
    });
  }

  static async start(listeners: ListenerSpec[], options: Partial<TransportLayerOptions> = {}): Promise<TestUas> {
    const transport = await TransportLayer.create({ ...options, listeners });
    const transactions = new TransactionLayer(transport, { config: { trying100Delay: -1 } });
    return new TestUas(transport, transactions);
  }

  port(transport: 'udp' | 'tcp' | 'tls', family: 4 | 6 = 4): number {
    const l = this.transport.listeners().find((b) => b.transport === transport && b.family === family);
    if (!l) throw new Error(`no ${transport} listener`);
    return l.port;
  }

  async stop(): Promise<void> {
    for (const p of this.awaitingAck.values()) clearTimeout(p.timer);
    this.awaitingAck.clear();
    this.transactions.close();
    await this.transport.close();
  }

  private arm(key: string, p: Pending2xx): void {
    p.timer = setTimeout(() => {
      p.elapsed += p.interval;
      if (p.elapsed >= 64 * 500 || this.awaitingAck.get(key) !== p) {
        this.awaitingAck.delete(key);
        return;
      }
      this.okRetransmissions++;
      // Through the Accepted transaction while it lives (RFC 6026 §7.1), else statelessly.
      if (p.tx.state === 'accepted') p.tx.respond(p.response);
      else this.transport.sendResponse(p.response, p.tx.source);
      p.interval = Math.min(2 * p.interval, 4000);
      this.arm(key, p);
    }, p.interval);
    p.timer.unref();
  }

  private onRequest(tx: ServerTransaction): void {
    const req = tx.request;
    switch (req.method) {
      case 'INVITE': {
        this.counters.invites++;
        const tag = `uas${++tagCounter}`;
        const local = this.transport.localEndpoint(tx.source.transport, tx.source.localAddress.includes(':') ? 6 : 4);
        const host = tx.source.localAddress.includes(':') ? `[${tx.source.localAddress}]` : tx.source.localAddress;
        tx.respond(reply(req, 100, 'Trying'));
        tx.respond(reply(req, 180, 'Ringing', tag));
        const ok = reply(req, 200, 'OK', tag);
        ok.headers.set('Contact', `<sip:uas@${host}:${local?.port ?? tx.source.localPort};transport=${tx.source.transport}>`);
        tx.respond(ok);
        const pending = new Pending2xx(tx, ok);
        const key = req.callId + ' ' + req.cseq().seq;
        this.awaitingAck.set(key, pending);
        this.arm(key, pending);
        return;
      }
      case 'BYE':
        this.counters.byes++;
        tx.respond(reply(req, 200, 'OK'));
        return;
      case 'OPTIONS':
        this.counters.options++;
        tx.respond(reply(req, 200, 'OK', `uas${++tagCounter}`));
        return;
      case 'REGISTER': {
        this.counters.registers++;
        const res = reply(req, 200, 'OK', `uas${++tagCounter}`);
        const expires = req.headers.get('Expires') ?? '3600';
        for (const c of req.headers.getAll('Contact')) res.headers.append('Contact', `${c};expires=${expires}`);
        res.headers.set('Expires', expires);
        tx.respond(res);
        return;
      }
      case 'CANCEL': {
        this.counters.cancels++;
        const invite = this.transactions.findInviteForCancel(req);
        tx.respond(reply(req, invite ? 200 : 481, invite ? 'OK' : 'Call/Transaction Does Not Exist'));
        if (invite && invite.state === 'proceeding') invite.respond(reply(invite.request, 487, 'Request Terminated', `uas${++tagCounter}`));
        return;
      }
      default:
        this.counters.other++;
        tx.respond(reply(req, 501, 'Not Implemented'));
    }
  }
}
