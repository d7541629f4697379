/**
 * The edge-proxy side of RFC 5626 (SIP outbound) and RFC 3327 (Path), plus the guide's "TLS Connection
 * Stickiness": a REGISTER forwarded upstream carries a Path URI whose user part is a flow token naming the
 * connection it arrived on; requests that come back with that Route (or, for registrars that ignore Path, whose
 * Request-URI is a Contact registered over a flow) go down that same connection; 430 (Flow Failed) when it is
 * gone; 439 (First Hop Lacks Outbound Support) when a UA asks for outbound through a first hop that did not do it;
 * Flow-Timer in the REGISTER 2xx; Record-Route URIs carrying the flow token for dialogs.
 *
 * Used by the proxy core through `EdgeOutbound`; all message edits are here so the core stays a §16 proxy.
 */
import type { NameAddr, SipRequest, SipResponse, SipUri } from '../message/index.js';
import type { Destination, MessageSource, TransportProtocol } from '../transport/types.js';
import { FlowRegistry, sameFlow, type FlowRef } from './flow-registry.js';

export interface EdgeOutboundOptions {
  /** flow-timer (s): Flow-Timer for REGISTER 2xx of outbound registrations; 0 adds none. */
  flowTimerS: number;
  /** Host for our Path / Record-Route URIs (the proxy's advertised host). */
  advertisedHost: string;
  /** Our listening port per transport. */
  ports: Partial<Record<TransportProtocol, number>>;
}

/** What the core keeps in the response context of a forwarded REGISTER. */
export interface RegisterState {
  flow: FlowRef;
  token: string;
  /** RFC 5626: the UA asked for outbound (reg-id + +sip.instance), and we are its first hop: Path gets `;ob`. */
  ob: boolean;
  aor: string;
  contacts: { key: string; instance?: string; regId?: number; expiresS: number }[];
}

/** A local answer decided here (the core turns it into its response). */
export interface OutboundReject {
  status: number;
  reason: string;
}

/** Where a request goes when a flow decides it. */
export interface FlowTarget {
  dest: Destination;
  flow: FlowRef;
}

const DEFAULT_EXPIRES_S = 3600;

/** `user@host:port` of a Contact / Request-URI, lower-case, default port by scheme and transport. */
export function contactKey(u: SipUri): string {
  const t = u.params.get('transport');
  const tls = u.scheme === 'sips' || (typeof t === 'string' && t.toLowerCase() === 'tls');
  const host = u.host.toLowerCase();
  return `${(u.user ?? '').toLowerCase()}@${host}:${u.port ?? (tls ? 5061 : 5060)}`;
}

function unquote(v: string | null | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  return v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

/** The flow a message arrived on. */
export function flowOfSource(src: MessageSource): FlowRef {
  if (src.connectionId !== undefined) {
    return { transport: src.transport, remoteAddress: src.remoteAddress, remotePort: src.remotePort, connectionId: src.connectionId };
  }
  return {
    transport: 'udp',
    remoteAddress: src.remoteAddress,
    remotePort: src.remotePort,
    localAddress: src.localAddress,
    localPort: src.localPort,
  };
}

/** Destination that sends down exactly this flow (never a new connection: RFC 5626 §5.3). */
export function flowDestination(flow: FlowRef): Destination {
  if (flow.connectionId !== undefined) {
    const d: Destination = {
      transport: flow.transport,
      host: flow.remoteAddress,
      port: flow.remotePort,
      connectionId: flow.connectionId,
      requireConnection: true,
    };
    if (flow.member !== undefined) d.member = flow.member; // held by another member of the worker group
    return d;
  }
  const d: Destination = { transport: 'udp', host: flow.remoteAddress, port: flow.remotePort };
  if (flow.localAddress !== undefined) d.localAddress = flow.localAddress;
  if (flow.localPort !== undefined) d.localPort = flow.localPort;
  return d;
}

/** The edge proxy's outbound/Path logic over a FlowRegistry. */
export class EdgeOutbound {
  flowTimerS: number;
  readonly stats = { paths: 0, flowFailed: 0, rejected439: 0, forbidden: 0, flowRouted: 0 };

  constructor(
    readonly registry: FlowRegistry,
    private readonly opts: EdgeOutboundOptions,
  ) {
    this.flowTimerS = opts.flowTimerS;
  }

  /** Our URI on `transport`, with a flow token as user part and `;ob` when asked (Path / Record-Route). */
  uri(transport: TransportProtocol, token?: string, ob = false): string {
    const port = this.opts.ports[transport] ?? this.opts.ports.udp ?? 5060;
    const user = token !== undefined ? `${token}@` : '';
    const tp = transport === 'udp' ? '' : `;transport=${transport}`;
    return `<sip:${user}${this.opts.advertisedHost}:${port}${tp};lr${ob ? ';ob' : ''}>`;
  }

  /**
   * A REGISTER from a UA (not from a SIP Server): decides 439 or the Path to add. RFC 5626 §5.1: when the UA uses
   * outbound (a Contact with reg-id and +sip.instance) and we are its first hop (one Via), the Path URI gets `;ob`;
   * when it uses outbound but came through another proxy that added no `;ob` Path, the first hop lacks outbound
   * support: 439 (the registrar's §6 rule, applied here because our SIP Servers do not implement outbound).
   */
  onRegister(req: SipRequest, src: MessageSource): RegisterState | OutboundReject | undefined {
    if (req.contactWildcard()) return undefined;
    const contacts = req.contacts();
    if (contacts.length === 0) return undefined; // a fetch of bindings: nothing to stick to
    const outbound = contacts.some((c) => c.params.has('reg-id') && c.params.has('+sip.instance'));
    const firstHop = req.vias().length === 1;
    if (outbound && !firstHop) {
      const p = req.paths()[0];
      if (!p || !p.uri.params.has('ob')) {
        this.stats.rejected439++;
        return { status: 439, reason: 'First Hop Lacks Outbound Support' };
      }
      return undefined; // another edge proxy owns the flow; we only forward
    }
    if (!firstHop) return undefined;
    const hdrExpires = Number(req.headers.get('expires'));
    const defExpires = Number.isFinite(hdrExpires) && req.headers.has('expires') ? hdrExpires : DEFAULT_EXPIRES_S;
    const flow = flowOfSource(src);
    return {
      flow,
      token: this.registry.tokenFor(flow),
      ob: outbound,
      aor: req.to().uri.toString().toLowerCase(),
      contacts: contacts.map((c) => contactEntry(c, defExpires)),
    };
  }

  /**
   * Adds our Path (RFC 3327 §5.2: `pathUri` is our URI on the side the registrar reaches us, with the flow token and
   * `;ob` from `st`) and Supported: path/outbound.
   */
  addPath(fwd: SipRequest, st: RegisterState, pathUri: string): void {
    fwd.headers.prepend('Path', pathUri);
    const sup = fwd.supported();
    const add = ['path', ...(st.ob ? ['outbound'] : [])].filter((t) => !sup.includes(t));
    if (add.length) fwd.headers.append('Supported', add.join(', '));
    this.stats.paths++;
  }

  /** The registrar's 2xx: records the flows and adds Flow-Timer (RFC 5626 §5.4) to outbound registrations. */
  onRegisterResponse(st: RegisterState, resp: SipResponse): void {
    if (resp.status < 200 || resp.status >= 300) return;
    let flowTimer = 0;
    if (st.ob && this.flowTimerS > 0) {
      const existing = Number(resp.headers.get('flow-timer'));
      if (resp.headers.has('flow-timer') && Number.isFinite(existing)) flowTimer = existing;
      else {
        resp.headers.append('Flow-Timer', String(this.flowTimerS));
        flowTimer = this.flowTimerS;
      }
    }
    // The registrar may grant a different expiry per contact: take it from the 2xx when it lists the contact.
    const granted = new Map<string, number>();
    const hdr = Number(resp.headers.get('expires'));
    for (const c of resp.contacts()) {
      const e = Number(unquote(c.params.get('expires')));
      if (Number.isFinite(e) && c.params.has('expires')) granted.set(contactKey(c.uri), e);
      else if (resp.headers.has('expires') && Number.isFinite(hdr)) granted.set(contactKey(c.uri), hdr);
    }
    for (const c of st.contacts) {
      this.registry.bind({
        flow: st.flow,
        aor: st.aor,
        instance: c.instance,
        regId: c.regId,
        contactKey: c.key,
        flowTimerS: flowTimer,
        expiresS: granted.get(c.key) ?? c.expiresS,
      });
    }
  }

  /**
   * Target of a request by flow: a flow token in one of our Route URIs the core popped (`tokens`), or - when
   * `byContact` (a request from a SIP Server, or an in-dialog one from anyone) has no Route left - a Request-URI
   * that is a Contact registered over a flow (by the AOR in `toAor` when several registered it). Such a Contact is reached over that flow, never at the address it
   * names: whoever registered it chose that address, and sending there would let an endpoint plant a next hop
   * (RFC 5626 §5.3; RFC 3261 §26.3.2.4). A token for the flow the request arrived on means it comes from the UA
   * itself: no decision. `dryRun` (the route preview) counts nothing.
   */
  route(
    tokens: readonly string[],
    ruri: SipUri | null,
    src: MessageSource,
    byContact: boolean,
    routesLeft: number,
    toAor?: () => string,
    dryRun = false,
  ): FlowTarget | OutboundReject | undefined {
    // Hot path: most requests carry no token and are initial requests from endpoints.
    if (tokens.length === 0 && (!byContact || routesLeft > 0 || !ruri)) return undefined;
    const mine = tokens.length ? flowOfSource(src) : undefined;
    for (const t of tokens) {
      const r = this.registry.parseToken(t);
      if (!r.ok) {
        if (r.reason === 'tampered') {
          if (!dryRun) this.stats.forbidden++;
          return { status: 403, reason: 'Forbidden (Invalid Flow Token)' };
        }
        continue; // a user part that is not one of our tokens
      }
      if (sameFlow(r.flow, mine!)) return undefined;
      if (!this.registry.isAlive(r.flow)) {
        if (!dryRun) this.stats.flowFailed++;
        return { status: 430, reason: 'Flow Failed' };
      }
      if (!dryRun) this.stats.flowRouted++;
      return { dest: flowDestination(r.flow), flow: r.flow };
    }
    if (!byContact || routesLeft > 0 || !ruri) return undefined;
    const hit = this.registry.lookupContact(contactKey(ruri), toAor?.());
    if (hit === undefined) return undefined;
    if (hit === 'failed') {
      if (!dryRun) this.stats.flowFailed++;
      return { status: 430, reason: 'Flow Failed' };
    }
    if (!dryRun) this.stats.flowRouted++;
    return { dest: flowDestination(hit.flow), flow: hit.flow };
  }

  /** A token for the flow a dialog-forming request arrived on, when that connection carries registrations. */
  tokenForSource(src: MessageSource): string | undefined {
    if (src.connectionId === undefined || !this.registry.hasConnection(src.connectionId)) return undefined;
    return this.registry.tokenFor(flowOfSource(src));
  }
}

function contactEntry(c: NameAddr, defExpires: number): RegisterState['contacts'][number] {
  const e = Number(unquote(c.params.get('expires')));
  const regId = Number(c.params.get('reg-id'));
  const entry: RegisterState['contacts'][number] = {
    key: contactKey(c.uri),
    expiresS: c.params.has('expires') && Number.isFinite(e) ? e : defExpires,
  };
  const inst = unquote(c.params.get('+sip.instance'));
  if (inst !== undefined) entry.instance = inst;
  if (c.params.has('reg-id') && Number.isInteger(regId)) entry.regId = regId;
  return entry;
}
