/**
 * The relay policy of the edge proxy (RFC 3261 §16.4, §16.5 and the open-relay warning of §26.3.2.4): a request
 * from a source that is not a trusted neighbour (a configured SIP Server, a trunk peer proxy, a configured trusted
 * network) may only go to a SIP Server of a configured HA pair (the serving pair for initial requests), a
 * registered flow or an Extension DN's contact, and may carry no Route entry beyond the proxy's own (popped by
 * §16.4 before this is asked). Anything else is refused with 403 and nothing is sent toward the named host: the
 * default scripts of Kamailio and OpenSIPS refuse the same ("relaying forbidden"). A Contact registered through this
 * proxy is a flow (outbound.ts sends to it over the flow it was registered on), never the address it names: an
 * endpoint chooses its Contact, so allowing that address would let it plant any next hop with one REGISTER.
 *
 * A pure decision: the intake gives the facts, this says allow or refuse and why.
 */
import { BlockList, isIP } from 'node:net';
import type { Hop } from '../routing/router.js';
import { parseHop } from '../routing/router.js';
import type { RelayOptions } from '../config.js';
import { parseNetwork, unbracket } from '../address.js';

/** The facts of one request the policy needs. */
export interface RelayFacts {
  /** Transport source address of the request. */
  sourceAddress: string;
  /** The router matched the source to a server of a configured HA pair. */
  fromSipServer: boolean;
  /** Where the request is about to go, and why. */
  target:
    | { kind: 'pair' }
    | { kind: 'flow' }
    /** A hop from the top Route entry left after ours were popped (`route`), or from the Request-URI. */
    | { kind: 'hop'; hop: Hop; by: 'route' | 'request-uri' | 'extension' | 'trunk' | 'flow' };
}

export type RelayDecision =
  | { kind: 'allow'; why: 'trusted-source' | 'foreign-allowed' | 'sip-server' | 'flow' | 'extension' }
  | { kind: 'refuse'; status: 403; reason: string; what: 'foreign-route' | 'foreign-request-uri' | 'foreign-path' };

/** What the policy knows of the configuration: built once per configuration, asked per request. */
export interface RelayNeighbours {
  /** Servers of every configured HA pair (host as configured, port). */
  sipServers: readonly { host: string; port: number }[];
  /** Trunk DNs' peer proxies (`peer-proxy-contact`). */
  trunkPeers: readonly string[];
  /** Extension DNs' contacts. */
  extensionContacts: readonly string[];
}

export class RelayPolicy {
  private readonly trusted = new BlockList();
  private readonly trustedPeers = new Set<string>();
  private readonly servers = new Set<string>();
  private readonly extensions = new Set<string>();

  constructor(
    readonly options: RelayOptions,
    neighbours: RelayNeighbours,
  ) {
    for (const n of options.trustedNetworks) {
      const net = parseNetwork(n);
      if (net) this.trusted.addSubnet(net.address, net.prefix, net.family);
    }
    for (const p of neighbours.trunkPeers) {
      const h = parseHop(p);
      // A peer given by name cannot be matched to a source address without a lookup: its network goes in
      // relay-trusted-networks (documented).
      if (h && isIP(unbracket(h.host))) this.trustedPeers.add(normalize(h.host));
    }
    for (const s of neighbours.sipServers) this.servers.add(hostPort(s.host, s.port));
    for (const c of neighbours.extensionContacts) {
      const h = parseHop(c);
      if (h) this.extensions.add(hostPort(h.host, h.port, h.transport));
    }
  }

  /** Is this source a trusted neighbour (beyond the SIP Servers the router recognises)? */
  isTrustedAddress(address: string): boolean {
    const a = normalize(address);
    if (this.trustedPeers.has(a)) return true;
    const family = isIP(a);
    if (family === 0) return false;
    return this.trusted.check(a, family === 4 ? 'ipv4' : 'ipv6');
  }

  decide(f: RelayFacts): RelayDecision {
    if (f.fromSipServer || this.isTrustedAddress(f.sourceAddress)) return { kind: 'allow', why: 'trusted-source' };
    if (this.options.allowForeignNextHop) return { kind: 'allow', why: 'foreign-allowed' };
    const t = f.target;
    if (t.kind === 'pair') return { kind: 'allow', why: 'sip-server' };
    if (t.kind === 'flow' || t.by === 'flow') return { kind: 'allow', why: 'flow' };
    const key = hostPort(t.hop.host, t.hop.port, t.hop.transport);
    // In-dialog requests to a SIP Server's Contact or its Record-Route URI (§12.2.1.1): hot standby follows.
    if (this.servers.has(key)) return { kind: 'allow', why: 'sip-server' };
    if (t.by === 'extension' || this.extensions.has(key)) return { kind: 'allow', why: 'extension' };
    if (t.by === 'route') return { kind: 'refuse', status: 403, reason: 'Forbidden (Route Names A Foreign Host)', what: 'foreign-route' };
    return { kind: 'refuse', status: 403, reason: 'Forbidden (Relaying Denied)', what: 'foreign-request-uri' };
  }
}

/**
 * A REGISTER's Path (RFC 3327 §5.3): a registrar that supports Path routes every later request for the AOR by it,
 * and those requests come from a SIP Server, which the policy trusts. A Path value an untrusted source put there
 * (anything not naming this proxy: this proxy adds its own when it is the first hop) would plant the foreign Route
 * that `decide` refuses when sent directly. `foreignPath`: some Path value does not name this proxy.
 */
export function decidePath(policy: RelayPolicy, f: { sourceAddress: string; fromSipServer: boolean; foreignPath: boolean }): RelayDecision {
  if (!f.foreignPath) return { kind: 'allow', why: 'sip-server' };
  if (f.fromSipServer || policy.isTrustedAddress(f.sourceAddress)) return { kind: 'allow', why: 'trusted-source' };
  if (policy.options.allowForeignNextHop) return { kind: 'allow', why: 'foreign-allowed' };
  return { kind: 'refuse', status: 403, reason: 'Forbidden (Path Names A Foreign Host)', what: 'foreign-path' };
}

/** Addresses compare without brackets, in lower case, IPv4-mapped IPv6 as IPv4. */
function normalize(a: string): string {
  let x = unbracket(a).toLowerCase();
  if (x.startsWith('::ffff:') && x.includes('.')) x = x.slice(7);
  return x;
}

function hostPort(host: string, port: number | undefined, transport?: string): string {
  return `${normalize(host)}:${port ?? (transport === 'tls' ? 5061 : 5060)}`;
}
