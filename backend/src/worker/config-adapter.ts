/**
 * Maps the contracts' effective configuration of one SIP Proxy application onto the proxy's runtime
 * configuration (sip/ never imports contracts; this is the one place that knows both).
 */
import type { EffectiveContact, EffectiveProxyConfig, EffectiveSipServer } from '../contracts/index.js';
import { defaultRuntimeConfig, type ProxyRuntimeConfig, type ServerAddress, type SipTransport } from '../sip/proxy/proxy-config.js';

function num(v: unknown, d: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : d;
}

function contactText(c: EffectiveContact): string {
  const hp = c.port !== undefined ? `${c.host}:${c.port}` : c.host;
  return c.transport ? `${hp};transport=${c.transport}` : hp;
}

/**
 * The internal transport between this proxy and the SIP Servers: what the serving switch's sip-outbound-proxy DN
 * contact says (`;transport=tls` makes it TLS on the servers' tls-port), UDP otherwise (guide: "internal protocol").
 */
function serverAddress(s: EffectiveSipServer, transport: SipTransport): ServerAddress {
  const port = transport === 'tls' ? (s.tlsPort ?? s.sipPort) : s.sipPort;
  return { name: s.name, host: s.host, port, transport };
}

export function toRuntimeConfig(eff: EffectiveProxyConfig): ProxyRuntimeConfig {
  const sp = eff.options.sipproxy;
  const app = eff.application;
  const servingSwitch = eff.switches.find((sw) => sw.sipServer === eff.servingPair);
  const internal: SipTransport = servingSwitch?.outboundProxy?.internalTransport ?? 'udp';
  const listenHost = app.listenHost && app.listenHost !== '*' ? app.listenHost : '0.0.0.0';
  return defaultRuntimeConfig({
    version: eff.version,
    appName: app.name,
    listenHost,
    sipPort: app.sipPort,
    tlsPort: app.tlsPort,
    httpPort: app.httpPort,
    transports: [...app.transports],
    advertisedHost: app.advertisedHost || (listenHost === '0.0.0.0' ? '127.0.0.1' : listenHost),
    resolveHost: sp['resolve-host'] === true,
    dnsServers: Array.isArray(sp['dns-servers']) ? [...(sp['dns-servers'] as readonly string[])] : [],
    role: num(sp['sipproxy-role'], 0),
    ipTos: num(sp['sip-ip-tos'], 256),
    tcpKeepAlive: sp['sip-enable-tcp-keep-alive'] === true,
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
    flowTimerS: num(sp['flow-timer'], 0),
    flowTimerGraceS: num(sp['flow-timer-grace-period'], 30),
    persistentNextHop: sp['persistent-next-hop-connection'] !== false,
    tcpKeepAliveIdleS: num(sp['tcp-keep-alive-idle'], 60),
    tcpKeepAliveIntervalS: num(sp['tcp-keep-alive-interval'], 10),
    tcpKeepAliveCount: num(sp['tcp-keep-alive-count'], 5),
    connectionIdleTimeoutS: num(sp['connection-idle-timeout'], 7200),
    limits: {
      maxMessageBytes: num(sp['max-message-size'], 65535),
      maxHeaders: num(sp['max-header-count'], 256),
      maxLineLength: num(sp['max-line-length'], 8192),
    },
    // The serving pair's resolved timing (the proxy's own option, else its site's VoIP Service DN, else 5 s).
    oosCheckS: eff.haPairs.find((p) => p.serving)?.oosCheck ?? num(sp['oos-check'], 5),
    oosForceS: eff.haPairs.find((p) => p.serving)?.oosForce ?? num(sp['oos-force'], 5),
    overloadDialogRate: num(sp['overload-ctrl-dialog-rate'], 0),
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
    failover: { enabled: true, timeoutMs: num(sp['failover-timeout'], 1000) },
  });
}
