/**
 * The proxy's runtime configuration: everything the SIP data plane needs, already resolved from the
 * configuration document (the worker maps the contracts' effective config to this; sip/ never imports contracts).
 */
import { isAllInterfaces } from './transport/transport-layer.js';
import type { TransportProtocol } from './address.js';
import type { HaServer } from './ha/ha-pair.js';

/** A SIP Server HA pair: the primary application and the backup it names. */
export interface HaPairConfig {
  /** The primary's application name (pairs are named by their primary, as in `applications`). */
  name: string;
  primary: HaServer;
  backup?: HaServer;
}

/** Extension DN that does not register: reached at its `contact` (host:port[;transport=x]). */
export interface ExtensionDn {
  number: string;
  contact: string;
}

/** Multi-site trunk DN: requests for the remote site go to the remote proxy pool (`peer-proxy-contact`). */
export interface TrunkDn {
  number: string;
  /** The remote SIP Server FQDN or host:port (`contact`, without parameters). */
  contact: string;
  /** The remote proxy pool (`peer-proxy-contact`, host:port). */
  peerProxyContact?: string;
  peerProxyProtocol: TransportProtocol;
  peerProxyPortTls?: number;
}

/** The [security] TLS settings: certificate material (file paths or inline PEM) and policy. */
export interface ProxyTlsConfig {
  certificate: string;
  certificateKey: string;
  trustedCa?: string;
  /** tls-mutual = 1 */
  mutual: boolean;
  /** tls-min-version: never older than TLSv1.2. */
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  /** verify-server-certificate (RFC 5922 identity of next hops). */
  verifyServerCertificate: boolean;
}

/** The relay options (`relay-trusted-networks`, `relay-allow-foreign-next-hop`; relay-policy.ts). */
export interface RelayOptions {
  /** CIDR networks (or single addresses) whose sources are trusted neighbours. */
  trustedNetworks: readonly string[];
  /** Endpoints may name a next hop of their own choosing (the open relay of old); off by default. */
  allowForeignNextHop: boolean;
}

export const DEFAULT_RELAY_OPTIONS: RelayOptions = { trustedNetworks: [], allowForeignNextHop: false };

export interface ProxyRuntimeConfig {
  /** Opaque version of the configuration this was built from (shown in /status). */
  version: string;
  appName: string;
  /** Listening address: `sip-address` when set; `*` (also `0.0.0.0`, `::`) every interface, IPv4 and IPv6. */
  listenHost: string;
  sipPort: number;
  tlsPort?: number;
  httpPort?: number;
  transports: TransportProtocol[];
  /** Host put in Via/Record-Route: `sip-address`, else the application's host name or its address per `resolve-host`. */
  advertisedHost: string;
  /** `resolve-host`: put the resolved address rather than the host name in Via. */
  resolveHost: boolean;
  /** `dns-servers` (ip, ip:port, [ipv6]:port) for RFC 3263 lookups; empty uses the system's (resolv.conf). */
  dnsServers?: readonly string[];
  /** `sipproxy-role` (alias `siproxy-role`): only 10 (standalone) is served. */
  role: number;
  /** `sip-ip-tos`: 256 leaves the system default. */
  ipTos: number;
  /** `sip-enable-tcp-keep-alive`. */
  tcpKeepAlive: boolean;
  /** TLS listener and client settings; required when `transports` has tls. */
  tls?: ProxyTlsConfig;
  /** flow-timer (s): Flow-Timer in REGISTER 2xx of outbound registrations; 0 none (next REGISTER). */
  flowTimerS?: number;
  /** flow-timer-grace-period (s), live. */
  flowTimerGraceS?: number;
  /** persistent-next-hop-connection: keep TCP/TLS connections to the SIP Servers open from start. */
  persistentNextHop?: boolean;
  /** Product extensions: tcp-keep-alive-idle / -interval / -count (s, s, probes). */
  tcpKeepAliveIdleS: number;
  tcpKeepAliveIntervalS?: number;
  tcpKeepAliveCount?: number;
  /** connection-idle-timeout (s, 0 = never), live. */
  connectionIdleTimeoutS: number;
  /** connection-first-message-timeout (s, 0 = never), live: an inbound connection's first complete message. */
  connectionFirstMessageTimeoutS: number;
  /** inbound-connection-idle-timeout (s, 0 = connection-idle-timeout only), live: inbound without a registered flow. */
  inboundConnectionIdleTimeoutS: number;
  /** max-connections, max-connections-per-address, max-connections-per-ipv6-prefix, live. */
  maxConnections: number;
  maxConnectionsPerAddress: number;
  maxConnectionsPerIpv6Prefix: number;
  /** http-address: the management port's bind address; unset = loopback. */
  httpAddress?: string;
  /** http-token (live): bearer token for /status and /metrics when the management port is not on loopback. */
  httpToken?: string;
  /**
   * http-client-ca: mutual TLS on the management port (HTTPS with this certificate and key; a client certificate
   * issued by `clientCa` opens /status and /metrics like the token). Paths or inline PEM.
   */
  httpTls?: { certificate: string; certificateKey: string; clientCa: string };
  /** Parser limits: max-message-size, max-header-count, max-line-length. */
  limits: { maxMessageBytes: number; maxHeaders: number; maxLineLength: number };
  /** `oos-check` (s), live. */
  oosCheckS: number;
  /** `oos-force` (s), live. */
  oosForceS: number;
  /** `overload-ctrl-dialog-rate` (INVITEs/s, 0 = off), live. */
  overloadDialogRate: number;
  /** The serving HA pair (`servicing-sipserver` / `serving-sipserver`), by its primary's name. */
  servingPair?: string;
  /** Every HA pair named in `applications` (and the serving one). */
  pairs: HaPairConfig[];
  extensions: ExtensionDn[];
  trunks: TrunkDn[];
  /** Product extension: retry on the other server of the pair after a timeout or 503 (on by default). */
  failover: { enabled: boolean; timeoutMs: number };
  /** Probe timeout (ms) of an OPTIONS to a SIP Server. */
  probeTimeoutMs: number;
  /** Retry-After (s) put in 503 answers (out of service, overload). */
  retryAfterS: number;
  /** Timer C (ms), RFC 3261 §16.6 step 11: > 3 min. */
  timerCMs: number;
  /** relay-trusted-networks, relay-allow-foreign-next-hop (relay-policy.ts), live. */
  relay: RelayOptions;
}

export function defaultRuntimeConfig(partial: Partial<ProxyRuntimeConfig> & Pick<ProxyRuntimeConfig, 'appName'>): ProxyRuntimeConfig {
  return {
    version: '0',
    listenHost: '127.0.0.1',
    sipPort: 5060,
    transports: ['udp', 'tcp'],
    // Rigs (benches, unit tests) only: the product's worker gets advertisedHost from the effective configuration.
    advertisedHost: partial.listenHost && !isAllInterfaces(partial.listenHost) ? partial.listenHost : '127.0.0.1',
    resolveHost: false,
    role: 10,
    ipTos: 256,
    tcpKeepAlive: false,
    tcpKeepAliveIdleS: 60,
    connectionIdleTimeoutS: 7200,
    connectionFirstMessageTimeoutS: 10,
    inboundConnectionIdleTimeoutS: 300,
    maxConnections: 10000,
    maxConnectionsPerAddress: 1000,
    maxConnectionsPerIpv6Prefix: 1000,
    limits: { maxMessageBytes: 65535, maxHeaders: 256, maxLineLength: 8192 },
    oosCheckS: 5,
    oosForceS: 5,
    overloadDialogRate: 0,
    pairs: [],
    extensions: [],
    trunks: [],
    failover: { enabled: true, timeoutMs: 1000 },
    probeTimeoutMs: 2000,
    retryAfterS: 5,
    timerCMs: 185_000,
    relay: DEFAULT_RELAY_OPTIONS,
    ...partial,
  };
}
