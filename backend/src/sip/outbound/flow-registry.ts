/**
 * Flows of an edge proxy (RFC 5626 §5, RFC 3327; the guide's "TLS Connection Stickiness"): which TCP/TLS
 * connection (or UDP 5-tuple) a UA registered over, flow tokens that name it, and the garbage collection of flows
 * that stopped sending keep-alives (§4.4.1 Flow-Timer plus a grace period, as reSIProcate does).
 *
 * Memory per flow is a few small objects; one sweep timer serves every flow (no timer per flow).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { TransportProtocol } from '../transport/types.js';

/** A transport flow: the connection (TCP/TLS) or the remote address of a UDP flow. */
export interface FlowRef {
  transport: TransportProtocol;
  remoteAddress: string;
  remotePort: number;
  /** TCP/TLS connection id (absent for UDP). */
  connectionId?: string;
  /**
   * TCP/TLS in a worker group: the member (process) holding the connection; absent for this process's own flows
   * when it runs alone. UDP flows have none: every member sends from the public port.
   */
  member?: number;
  /** UDP: our socket the flow arrived on (RFC 5626 §5.2: the flow is the 5-tuple). */
  localAddress?: string;
  localPort?: number;
}

/** One registered binding on one flow (RFC 5626 §6: a binding is keyed by AOR, instance and reg-id). */
export interface FlowBinding {
  flow: FlowRef;
  aor: string;
  /** +sip.instance (outbound) or undefined (plain stickiness). */
  instance?: string;
  regId?: number;
  /** The registered Contact's host:port (lower-case), how requests from the SIP Server name the UA. */
  contactKey: string;
  /** Epoch ms when the registration expires. */
  expiresAt: number;
  registeredAt: number;
  /** Flow-Timer sent to the UA in the 2xx (seconds); 0 = none, the flow is not garbage-collected by it. */
  flowTimerS: number;
}

export interface FlowRegistryOptions {
  now?: () => number;
  /** Epoch ms the connection last received bytes; undefined when it is closed. */
  lastReceived(connectionId: string): number | undefined;
  /** Closes a connection whose flow timed out (GC). */
  closeConnection(connectionId: string): void;
  /** flow-timer-grace-period (s). */
  graceS: number;
  /** Key for flow-token HMACs (random per process when absent; one per worker group, so any member reads a token). */
  key?: Buffer;
  /** In a worker group: this member's index, written into the tokens of its TCP/TLS flows. */
  member?: number;
}

export type TokenResult = { ok: true; flow: FlowRef } | { ok: false; reason: 'malformed' | 'tampered' };

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}

/**
 * The registry of flows and bindings. `lookupContact` answers the routing question "how do I reach this
 * registered Contact?" with the newest live flow of its bindings (RFC 5626 §7: other reg-id flows of the same
 * instance are the failover), or `failed` when every flow that registered it is gone (-> 430).
 */
export class FlowRegistry {
  private readonly now: () => number;
  private readonly key: Buffer;
  /** contactKey -> bindings (newest last). */
  private readonly byContact = new Map<string, FlowBinding[]>();
  /** connectionId -> bindings on that connection. */
  private readonly byConnection = new Map<string, FlowBinding[]>();
  /** Connections that carry a Flow-Timer: connectionId -> seconds. */
  private readonly timed = new Map<string, number>();
  private readonly closed = new Set<string>();
  gcClosed = 0;
  private sweeps = 0;
  /** flow-timer-grace-period (s); changes apply at the next sweep. */
  graceS: number;
  /**
   * Called for every binding recorded for a flow of this process (not for another member's, see `bind`): a worker
   * group shares it with the other members, so a request by Request-URI alone finds the flow anywhere.
   */
  onLocalBind: ((b: Omit<FlowBinding, 'registeredAt' | 'expiresAt'> & { expiresS: number }) => void) | undefined;

  constructor(private readonly opts: FlowRegistryOptions) {
    this.now = opts.now ?? Date.now;
    this.graceS = opts.graceS;
    this.key = opts.key ?? randomBytes(20);
  }

  /** This process's member index in a worker group (undefined alone). */
  get member(): number | undefined {
    return this.opts.member;
  }

  /**
   * RFC 5626 §5.2: a token naming the flow, with an HMAC so a tampered one is recognised. In a worker group a
   * TCP/TLS flow's token also names the member holding the connection (a sixth field).
   */
  tokenFor(flow: FlowRef): string {
    const member = flow.connectionId !== undefined ? (flow.member ?? this.opts.member) : undefined;
    const payload =
      flow.connectionId !== undefined
        ? `c|${flow.connectionId}|${flow.transport}|${flow.remoteAddress}|${flow.remotePort}${member !== undefined ? `|${member}` : ''}`
        : `u|${flow.remoteAddress}|${flow.remotePort}|${flow.localAddress ?? ''}|${flow.localPort ?? ''}`;
    const p = b64(payload);
    return `${p}.${this.mac(p)}`;
  }

  /** Decodes a flow token (the user part of our Path / Record-Route URI). */
  parseToken(token: string): TokenResult {
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return { ok: false, reason: 'malformed' };
    const p = token.slice(0, dot);
    if (this.mac(p) !== token.slice(dot + 1)) return { ok: false, reason: 'tampered' };
    const f = Buffer.from(p, 'base64url').toString('utf8').split('|');
    if (f[0] === 'c' && (f.length === 5 || f.length === 6)) {
      const t = f[2] as TransportProtocol;
      const flow: FlowRef = { transport: t, connectionId: f[1], remoteAddress: f[3], remotePort: Number(f[4]) };
      // The holder's index; this process's own flows carry none (the rest of the stack treats them as before).
      if (f.length === 6 && Number(f[5]) !== this.opts.member) flow.member = Number(f[5]);
      return { ok: true, flow };
    }
    if (f[0] === 'u' && f.length === 5) {
      const flow: FlowRef = { transport: 'udp', remoteAddress: f[1], remotePort: Number(f[2]) };
      if (f[3]) flow.localAddress = f[3];
      if (f[4]) flow.localPort = Number(f[4]);
      return { ok: true, flow };
    }
    return { ok: false, reason: 'malformed' };
  }

  /** Is this flow still usable? UDP flows always are (no connection to lose). */
  isAlive(flow: FlowRef): boolean {
    if (flow.connectionId === undefined) return true;
    // Another member's connection: that member knows; it answers 430 itself when the flow is gone.
    if (flow.member !== undefined && flow.member !== this.opts.member) return true;
    return !this.closed.has(flow.connectionId) && this.opts.lastReceived(flow.connectionId) !== undefined;
  }

  /**
   * Records a binding after the registrar's 2xx (replacing the same AOR/instance/reg-id or the same contact on the
   * same flow). `expiresS` 0 removes it.
   */
  bind(b: Omit<FlowBinding, 'registeredAt' | 'expiresAt'> & { expiresS: number }): void {
    const now = this.now();
    // Another member's binding (its flow names that member): found by Contact, but no connection of ours to track.
    const foreign = b.flow.member !== undefined && b.flow.member !== this.opts.member;
    if (!foreign) this.onLocalBind?.(b);
    const list = this.byContact.get(b.contactKey) ?? [];
    const same = (x: FlowBinding): boolean =>
      x.aor === b.aor && (b.instance !== undefined ? x.instance === b.instance && x.regId === b.regId : sameFlow(x.flow, b.flow));
    for (const old of list.filter(same)) this.unindex(old);
    const kept = list.filter((x) => !same(x));
    if (b.expiresS > 0) {
      const binding: FlowBinding = {
        flow: b.flow,
        aor: b.aor,
        instance: b.instance,
        regId: b.regId,
        contactKey: b.contactKey,
        flowTimerS: b.flowTimerS,
        registeredAt: now,
        expiresAt: now + b.expiresS * 1000,
      };
      kept.push(binding);
      const id = b.flow.connectionId;
      if (id !== undefined && !foreign) {
        this.closed.delete(id);
        const onConn = this.byConnection.get(id);
        if (onConn) onConn.push(binding);
        else this.byConnection.set(id, [binding]);
        if (b.flowTimerS > 0) this.timed.set(id, b.flowTimerS);
      }
    }
    if (kept.length) this.byContact.set(b.contactKey, kept);
    else this.byContact.delete(b.contactKey);
  }

  /**
   * How to reach a registered contact: the newest binding whose flow is alive; `failed` when the contact was
   * registered only over flows that are gone (RFC 5626 §5.3: 430 Flow Failed); undefined when not registered here.
   */
  lookupContact(contactKey: string, aor?: string): { flow: FlowRef } | 'failed' | undefined {
    const list = this.byContact.get(contactKey);
    if (!list) return undefined;
    const now = this.now();
    // One Contact URI registered by several AORs (a user naming another's Contact, or two NATed phones with the same
    // private address and user part): the binding of the AOR the request is for wins over the newest (RFC 3261
    // §10.3: a binding belongs to its AOR). Without Path the Request-URI alone cannot tell them apart.
    if (aor !== undefined && list.length > 1) {
      const want = aorKey(aor);
      for (let i = list.length - 1; i >= 0; i--) {
        const b = list[i];
        if (b.expiresAt > now && aorKey(b.aor) === want && this.isAlive(b.flow)) return { flow: b.flow };
      }
    }
    let any = false;
    for (let i = list.length - 1; i >= 0; i--) {
      const b = list[i];
      if (b.expiresAt <= now) continue;
      any = true;
      if (this.isAlive(b.flow)) return { flow: b.flow };
    }
    return any ? 'failed' : undefined;
  }

  /** Does this connection carry registered bindings? */
  hasConnection(connectionId: string): boolean {
    return this.byConnection.has(connectionId) && !this.closed.has(connectionId);
  }

  /** The connection closed: its bindings stay (so requests for them get 430) until they expire or re-register. */
  connectionClosed(connectionId: string): void {
    if (!this.byConnection.has(connectionId)) return;
    this.closed.add(connectionId);
    this.timed.delete(connectionId);
  }

  /**
   * GC (run every few seconds): closes connections with a Flow-Timer that received nothing (no ping, no message)
   * for Flow-Timer + grace; drops expired bindings. Returns how many connections it closed.
   */
  sweep(): number {
    const now = this.now();
    let n = 0;
    for (const [id, ft] of this.timed) {
      const last = this.opts.lastReceived(id);
      if (last === undefined) {
        this.connectionClosed(id);
        continue;
      }
      if (now - last > (ft + this.graceS) * 1000) {
        this.timed.delete(id);
        this.closed.add(id);
        this.opts.closeConnection(id);
        this.gcClosed++;
        n++;
      }
    }
    // Binding expiry needs no 1 s resolution: every 10th sweep, and no allocation unless something expired.
    if (++this.sweeps % 10 !== 0) return n;
    for (const [key, list] of this.byContact) {
      let expired = false;
      for (let i = 0; i < list.length; i++) if (list[i].expiresAt <= now) expired = true;
      if (!expired) continue;
      const live = list.filter((b) => b.expiresAt > now);
      for (const b of list) if (b.expiresAt <= now) this.unindex(b);
      if (live.length) this.byContact.set(key, live);
      else this.byContact.delete(key);
    }
    return n;
  }

  /** Every binding (the connection inspector; a copy, newest last per Contact). */
  bindings(): FlowBinding[] {
    const out: FlowBinding[] = [];
    for (const l of this.byContact.values()) out.push(...l);
    return out;
  }

  /** The Flow-Timer (s) the connection's bindings were given; undefined when none. */
  flowTimerOf(connectionId: string): number | undefined {
    return this.timed.get(connectionId);
  }

  /** Number of bindings and of connections carrying flows (for /status and the benchmark). */
  size(): { bindings: number; connections: number; timed: number } {
    let bindings = 0;
    for (const l of this.byContact.values()) bindings += l.length;
    return { bindings, connections: this.byConnection.size, timed: this.timed.size };
  }

  private unindex(b: FlowBinding): void {
    const id = b.flow.connectionId;
    if (id === undefined || (b.flow.member !== undefined && b.flow.member !== this.opts.member)) return;
    const l = this.byConnection.get(id);
    if (!l) return;
    const i = l.indexOf(b);
    if (i >= 0) l.splice(i, 1);
    if (l.length === 0) {
      this.byConnection.delete(id);
      this.timed.delete(id);
      this.closed.delete(id);
    }
  }

  private mac(p: string): string {
    return createHmac('sha256', this.key).update(p).digest('base64url').slice(0, 16);
  }
}

export function sameFlow(a: FlowRef, b: FlowRef): boolean {
  if (a.connectionId !== undefined || b.connectionId !== undefined) return a.connectionId === b.connectionId && a.member === b.member;
  return a.remoteAddress === b.remoteAddress && a.remotePort === b.remotePort && a.localPort === b.localPort;
}

/** An address-of-record compared as `user@host`, lower-case: scheme, port, parameters and brackets aside. */
export function aorKey(uri: string): string {
  const v = uri
    .trim()
    .replace(/^<|>$/g, '')
    .replace(/^sips?:/i, '');
  const end = v.search(/[;?>]/);
  const userHost = (end >= 0 ? v.slice(0, end) : v).toLowerCase();
  const at = userHost.lastIndexOf('@');
  const host = at >= 0 ? userHost.slice(at + 1) : userHost;
  const bare = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return (at >= 0 ? userHost.slice(0, at + 1) : '') + bare;
}
