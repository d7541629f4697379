import type { SipUri } from '../message/index.js';
import type { TransportProtocol } from '../transport/types.js';
import { unbracket } from '../address.js';

/** The proxy's own listening ports per transport (for Via, Record-Route and "is this URI me?"). */
export interface LocalEndpoints {
  /** Host written into Via sent-by and Record-Route. */
  advertisedHost: string;
  /** Every host string that names this proxy (advertised host, bound and resolved addresses). */
  aliases: string[];
  ports: Partial<Record<TransportProtocol, number>>;
  /**
   * Ports put in Via sent-by when they differ from `ports` (a worker of a group sharing one public port sends
   * from its own port so that responses come back to the worker holding the transaction).
   */
  viaPorts?: Partial<Record<TransportProtocol, number>>;
  /** Group mode: hand responses for another worker of the group (branch-encoded port) to that worker. */
  group?: boolean;
}

/**
 * What names this proxy: the URIs it recognises as its own (RFC 3261 §16.4: Route values and Request-URIs it
 * put in Record-Route / Path), its Via sent-by (§16.6 step 8, §16.3 item 4) and its Record-Route URIs (§16.6 step 4).
 */
export class OwnAddresses {
  private readonly aliases: Set<string>;
  private readonly ports: Set<number>;
  private readonly viaSentBy: Record<TransportProtocol, string>;
  private readonly rrUri: Record<TransportProtocol, string>;

  constructor(local: LocalEndpoints) {
    this.aliases = new Set([local.advertisedHost, ...local.aliases].map((h) => unbracket(h).toLowerCase()));
    this.ports = new Set(
      [...Object.values(local.ports), ...Object.values(local.viaPorts ?? {})].filter((p): p is number => typeof p === 'number'),
    );
    const adv = local.advertisedHost;
    const port = (t: TransportProtocol): number => local.ports[t] ?? local.ports.udp ?? local.ports.tcp ?? 5060;
    const vport = (t: TransportProtocol): number => local.viaPorts?.[t] ?? port(t);
    this.viaSentBy = {
      udp: `SIP/2.0/UDP ${adv}:${vport('udp')};branch=`,
      tcp: `SIP/2.0/TCP ${adv}:${vport('tcp')};branch=`,
      tls: `SIP/2.0/TLS ${adv}:${vport('tls')};branch=`,
    };
    this.rrUri = {
      udp: `<sip:${adv}:${port('udp')};lr>`,
      tcp: `<sip:${adv}:${port('tcp')};transport=tcp;lr>`,
      tls: `<sip:${adv}:${port('tls')};transport=tls;lr>`,
    };
  }

  /** Is this host one of our names (advertised, bound or resolved)? */
  isOwnHost(host: string): boolean {
    return this.aliases.has(unbracket(host).toLowerCase());
  }

  /** Is this URI one of ours (host is one of our names, port one of our ports)? */
  isOwnUri(u: SipUri): boolean {
    if (!this.isOwnHost(u.host)) return false;
    return this.ports.has(u.port ?? (u.scheme === 'sips' ? 5061 : 5060));
  }

  /** Is this Via sent-by ours (§16.3 item 4 loop detection, §16.7 step 3 stray responses)? */
  isOwnVia(host: string, port: number | undefined, transport: string): boolean {
    if (!this.isOwnHost(host)) return false;
    return this.ports.has(port ?? (transport.toUpperCase() === 'TLS' ? 5061 : 5060));
  }

  /** Our Via header value for an outgoing request over `t` (§16.6 step 8). */
  viaValue(t: TransportProtocol, branch: string): string {
    return this.viaSentBy[t] + branch;
  }

  /** Our Record-Route URI on `t`, with a flow token as user part and `;ob` when asked (RFC 5626 Path / RR). */
  flowUri(t: TransportProtocol, token: string | undefined, ob = false): string {
    const u = this.rrUri[t];
    const withUser = token === undefined ? u : `<sip:${token}@${u.slice(5)}`;
    return ob ? withUser.slice(0, -1) + ';ob>' : withUser;
  }
}
