/**
 * The HA monitor's probe (the guide's oos-check; RFC 3261 §11 OPTIONS): one OPTIONS to a SIP Server through a
 * non-INVITE client transaction (§17.1.2), reporting its final response or a transport error once.
 */
import { SipRequest } from '../message/index.js';
import type { TransactionLayer } from '../transaction/transaction-layer.js';
import type { ClientTransaction } from '../transaction/transaction-types.js';
import type { ClientTransactionUser } from '../transaction/transaction-types.js';
import type { HaServer, ProbeOutcome, Prober } from './ha-pair.js';
import { unbracket } from '../address.js';

/** What the prober needs of the proxy that owns it. */
export interface ProbeSender {
  readonly tl: Pick<TransactionLayer, 'sendRequest'>;
  /** The proxy's Via value on `t` (§8.1.1.7, §16.6 step 8). */
  viaValue(t: HaServer['transport'], branch: string): string;
  /** A new branch in the proxy's own format (a worker group routes responses by it). */
  newBranch(): string;
  /** The From user part: the application name. */
  appName(): string;
}

export class OptionsProber implements Prober {
  private seq = 0;
  constructor(private readonly p: ProbeSender) {}

  probe(server: HaServer, done: (o: ProbeOutcome) => void): { cancel(): void } {
    const p = this.p;
    const host = server.host.includes(':') && !server.host.startsWith('[') ? `[${server.host}]` : server.host;
    const target = `sip:${host}:${server.port}`;
    const req = new SipRequest('OPTIONS', server.transport === 'udp' ? target : `${target};transport=${server.transport}`);
    const branch = p.newBranch();
    const id = branch.slice(-12);
    req.headers.append('Via', p.viaValue(server.transport, branch));
    req.headers.append('Max-Forwards', '70');
    req.headers.append('From', `<sip:${p.appName()}@${hostOf(p.viaValue(server.transport, ''))}>;tag=${id}`);
    req.headers.append('To', `<${target}>`);
    req.headers.append('Call-ID', `oos-${id}-${++this.seq}`);
    req.headers.append('CSeq', `${this.seq} OPTIONS`);
    req.headers.append('Accept', 'application/sdp');
    let finished = false;
    const user: ClientTransactionUser = {
      onFinal: (r) => {
        if (!finished) {
          finished = true;
          done({ code: r.status });
        }
      },
      onTransportError: (e) => {
        if (!finished) {
          finished = true;
          done({ error: 'transport', detail: e.message });
        }
      },
    };
    let tx: ClientTransaction | undefined;
    try {
      tx = p.tl.sendRequest(req, { transport: server.transport, host: unbracket(server.host), port: server.port }, user);
    } catch (e) {
      queueMicrotask(() => user.onTransportError?.(e instanceof Error ? e : new Error(String(e)), undefined as never));
    }
    return {
      cancel: () => {
        finished = true;
        tx?.terminate();
      },
    };
  }
}

/** The host of a Via value's sent-by (the proxy's advertised host). */
function hostOf(viaPrefix: string): string {
  const sp = viaPrefix.indexOf(' ');
  const semi = viaPrefix.indexOf(';');
  const hp = viaPrefix.slice(sp + 1, semi);
  const c = hp.lastIndexOf(':');
  return c > 0 && !hp.endsWith(']') ? hp.slice(0, c) : hp;
}
