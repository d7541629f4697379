/**
 * Maps the contracts' effective configuration of one SIP Proxy application onto the proxy's runtime
 * configuration (sip/ never imports contracts; this is the one place that knows both).
 */
import type { EffectiveContact, EffectiveProxyConfig, EffectiveSipServer, OptionValue } from '../contracts/index.js';
import { defaultRuntimeConfig, type ProxyRuntimeConfig, type HaServer, type TransportProtocol } from '../sip/index.js';

/** An effective configuration this worker cannot run (a registry default missing: contracts and worker disagree). */
export class RuntimeConfigError extends Error {
  override readonly name = 'RuntimeConfigError';
  readonly code = 'effective-config-incomplete';
}

type Section = Readonly<Record<string, OptionValue>>;

/** The option's value: the effective configuration has every registry default filled, so absence is an error. */
function int(section: Section, name: string): number {
  const v = section[name];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new RuntimeConfigError(`option ${name} is ${JSON.stringify(v)} in the effective configuration, not a number`);
  return v;
}

function bool(section: Section, name: string): boolean {
  const v = section[name];
  if (typeof v !== 'boolean')
    throw new RuntimeConfigError(`option ${name} is ${JSON.stringify(v)} in the effective configuration, not true/false`);
  return v;
}

function contactText(c: EffectiveContact): string {
  const hp = c.port !== undefined ? `${c.host}:${c.port}` : c.host;
  return c.transport ? `${hp};transport=${c.transport}` : hp;
}

/**
 * The internal transport between this proxy and the SIP Servers: what the serving switch's sip-outbound-proxy DN
 * contact says (`;transport=tls` makes it TLS on the servers' tls-port), UDP otherwise (guide: "internal protocol").
 */
function serverAddress(s: EffectiveSipServer, transport: TransportProtocol): HaServer {
  const port = transport === 'tls' ? (s.tlsPort ?? s.sipPort) : s.sipPort;
  return { name: s.name, host: s.host, port, transport };
}

export function toRuntimeConfig(eff: EffectiveProxyConfig): ProxyRuntimeConfig {
  const sp = eff.options.sipproxy;
  const app = eff.application;
  const servingSwitch = eff.switches.find((sw) => sw.sipServer === eff.servingPair);
  const internal: TransportProtocol = servingSwitch?.outboundProxy?.internalTransport ?? 'udp';
  return defaultRuntimeConfig({
    version: eff.version,
    appName: app.name,
    // sip-address (`*`: every interface) and the host for Via/Record-Route, as the contracts decided: no fallback here.
    listenHost: app.listenHost,
    sipPort: app.sipPort,
    tlsPort: app.tlsPort,
    httpPort: app.httpPort,
    transports: [...app.transports],
    advertisedHost: app.advertisedHost,
    resolveHost: bool(sp, 'resolve-host'),
    dnsServers: Array.isArray(sp['dns-servers']) ? [...(sp['dns-servers'] as readonly string[])] : [],
    role: int(sp, 'sipproxy-role'),
    ipTos: int(sp, 'sip-ip-tos'),
    tcpKeepAlive: bool(sp, 'sip-enable-tcp-keep-alive'),
    tls: eff.tls
      ? {
          certificate: eff.tls.certificate,
          certificateKey: eff.tls.certificateKey,
          trustedCa: eff.tls.trustedCa,
          mutual: eff.tls.mutual,
          minVersion: eff.tls.minVersion,
          verifyServerCertificate: eff.tls.verifyServerCertificate,
        }
      : undefined,
    flowTimerS: int(sp, 'flow-timer'),
    flowTimerGraceS: int(sp, 'flow-timer-grace-period'),
    persistentNextHop: bool(sp, 'persistent-next-hop-connection'),
    tcpKeepAliveIdleS: int(sp, 'tcp-keep-alive-idle'),
    tcpKeepAliveIntervalS: int(sp, 'tcp-keep-alive-interval'),
    tcpKeepAliveCount: int(sp, 'tcp-keep-alive-count'),
    connectionIdleTimeoutS: int(sp, 'connection-idle-timeout'),
    connectionFirstMessageTimeoutS: int(sp, 'connection-first-message-timeout'),
    inboundConnectionIdleTimeoutS: int(sp, 'inbound-connection-idle-timeout'),
    maxConnections: int(sp, 'max-connections'),
    maxConnectionsPerAddress: int(sp, 'max-connections-per-address'),
    maxConnectionsPerIpv6Prefix: int(sp, 'max-connections-per-ipv6-prefix'),
    httpAddress: typeof sp['http-address'] === 'string' && sp['http-address'] !== '' ? sp['http-address'] : undefined,
    httpToken: typeof sp['http-token'] === 'string' && sp['http-token'] !== '' ? sp['http-token'] : undefined,
    httpTls: eff.managementTls ? { ...eff.managementTls } : undefined,
    limits: {
      maxMessageBytes: int(sp, 'max-message-size'),
      maxHeaders: int(sp, 'max-header-count'),
      maxLineLength: int(sp, 'max-line-length'),
    },
    // The proxy's own [sipproxy] timing (the DN-level options of the same names are SIP Server's).
    oosCheckS: int(sp, 'oos-check'),
    oosForceS: int(sp, 'oos-force'),
    overloadDialogRate: int(sp, 'overload-ctrl-dialog-rate'),
    probeTimeoutMs: int(sp, 'oos-probe-timeout'),
    servingPair: eff.servingPair || undefined,
    pairs: eff.haPairs.map((p) => ({
      name: p.name,
      primary: serverAddress(p.primary, internal),
      backup: p.backup ? serverAddress(p.backup, internal) : undefined,
    })),
    extensions: eff.switches.flatMap((sw) => sw.extensions.map((e) => ({ number: e.number, contact: contactText(e.contact) }))),
    trunks: eff.switches.flatMap((sw) =>
      sw.trunks
        .filter((t) => t.contact !== undefined)
        .map((t) => ({
          number: t.number,
          contact: (t.contact as EffectiveContact).port !== undefined ? `${t.contact!.host}:${t.contact!.port}` : t.contact!.host,
          peerProxyContact: t.peerProxyContact,
          peerProxyProtocol: t.peerProxyProtocol,
          peerProxyPortTls: t.peerProxyPortTls,
        })),
    ),
    failover: { enabled: true, timeoutMs: int(sp, 'failover-timeout') },
    relay: {
      trustedNetworks: Array.isArray(sp['relay-trusted-networks']) ? [...(sp['relay-trusted-networks'] as readonly string[])] : [],
      allowForeignNextHop: bool(sp, 'relay-allow-foreign-next-hop'),
    },
  });
}
