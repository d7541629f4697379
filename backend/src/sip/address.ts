/**
 * Addresses as the SIP stack names them, and the syntax of the address-valued options. Platform-free on purpose
 * (no `node:*` import, rule `sip-address-is-platform-free`): the option registry (contracts/options), which the UI
 * may share, checks `dns-servers` and `relay-trusted-networks` with these same parsers without pulling sockets in.
 * It is the one file outside code may import besides `index.ts` (which re-exports it).
 *
 * The address type: a `HostPort` (host: IP literal or domain name, IPv6 without brackets; port) and, where the
 * transport matters, a `TransportAddress`. The stack's other address shapes are these plus what they add
 * (`Destination` the connection to prefer, `HaServer` the SIP Server application's name, `ResolvedHop` an IP-literal host);
 * the ones that name the remote end of a received message (`MessageSource`, `FlowRef`: remoteAddress/remotePort) keep
 * the socket's words, since they sit beside the local address of the same socket.
 */

/** The transports this stack speaks (RFC 3261 §18; `transport=` and Via tokens in lower case). */
export type TransportProtocol = 'udp' | 'tcp' | 'tls';

/** A host and a port. `host` is an IP literal (IPv6 without brackets) or a domain name. */
export interface HostPort {
  host: string;
  port: number;
}

/** A host and port reached over one transport. */
export interface TransportAddress extends HostPort {
  transport: TransportProtocol;
}

/** Default port for a transport (RFC 3261 §19.1.2: 5060, 5061 for TLS). */
export function defaultPort(transport: TransportProtocol): number {
  return transport === 'tls' ? 5061 : 5060;
}

// The textual forms node:net's isIP accepts (lib/internal/net.js): dotted-quad IPv4 without leading zeros; IPv6
// per RFC 4291 §2.2 with an optional IPv4 tail and zone id. address.spec.ts checks them against isIP.
const V4_SEG = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const V4 = `(?:${V4_SEG}\\.){3}${V4_SEG}`;
const V6_SEG = '(?:[0-9a-fA-F]{1,4})';
const IPV4_RE = new RegExp(`^${V4}$`);
const IPV6_RE = new RegExp(
  '^(?:' +
    `(?:${V6_SEG}:){7}(?:${V6_SEG}|:)|` +
    `(?:${V6_SEG}:){6}(?:${V4}|:${V6_SEG}|:)|` +
    `(?:${V6_SEG}:){5}(?::${V4}|(?::${V6_SEG}){1,2}|:)|` +
    `(?:${V6_SEG}:){4}(?:(?::${V6_SEG}){0,1}:${V4}|(?::${V6_SEG}){1,3}|:)|` +
    `(?:${V6_SEG}:){3}(?:(?::${V6_SEG}){0,2}:${V4}|(?::${V6_SEG}){1,4}|:)|` +
    `(?:${V6_SEG}:){2}(?:(?::${V6_SEG}){0,3}:${V4}|(?::${V6_SEG}){1,5}|:)|` +
    `(?:${V6_SEG}:){1}(?:(?::${V6_SEG}){0,4}:${V4}|(?::${V6_SEG}){1,6}|:)|` +
    `(?::(?:(?::${V6_SEG}){0,5}:${V4}|(?::${V6_SEG}){1,7}|:))` +
    ')(?:%[0-9a-zA-Z-.:]{1,})?$',
);

/** 4 for an IPv4 literal, 6 for an IPv6 literal (no brackets), 0 otherwise: `node:net` isIP without node. */
export function ipFamily(s: string): 0 | 4 | 6 {
  if (IPV4_RE.test(s)) return 4;
  if (IPV6_RE.test(s)) return 6;
  return 0;
}

const DNS_PORT = 53;

/**
 * A DNS server as `dns-servers` names it: 'ip', 'ip:port', '[ip6]:port' or 'ip6' (the forms `dns.getServers()`
 * returns). Throws TypeError naming the value when malformed (the DNS client's constructor relies on it).
 */
export function parseDnsServer(s: string): HostPort {
  const t = s.trim();
  const br = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  // `!`: the UI type-checks this file with noUncheckedIndexedAccess (the groups always match).
  if (br && ipFamily(br[1]!) === 6) return { host: br[1]!, port: br[2] ? checkPort(br[2], s) : DNS_PORT };
  if (ipFamily(t)) return { host: t, port: DNS_PORT };
  const hp = /^([^:]+):(\d+)$/.exec(t);
  if (hp && ipFamily(hp[1]!) === 4) return { host: hp[1]!, port: checkPort(hp[2]!, s) };
  throw new TypeError(`invalid DNS server "${s}" (expected ip, ip:port or [ipv6]:port)`);
}

function checkPort(p: string, s: string): number {
  const n = Number(p);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new TypeError(`invalid DNS server port in "${s}"`);
  return n;
}

/** An IP network: its address, prefix length and family. */
export interface IpNetwork {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/**
 * A trusted network as `relay-trusted-networks` names it: `address/prefix` (IPv4 /0-32, IPv6 /0-128) or a single
 * address, IPv6 optionally in brackets. Undefined when malformed (the relay policy and the option check agree).
 */
export function parseNetwork(s: string): IpNetwork | undefined {
  const v = s.trim();
  const slash = v.indexOf('/');
  const address = unbracket(slash >= 0 ? v.slice(0, slash) : v);
  const fam = ipFamily(address);
  if (fam === 0) return undefined;
  const max = fam === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = v.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  return { address, prefix, family: fam === 4 ? 'ipv4' : 'ipv6' };
}

/** `[2001:db8::1]` -> `2001:db8::1`; anything else unchanged. */
export function unbracket(h: string): string {
  return h.length > 1 && h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}
