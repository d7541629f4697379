/**
 * Admission of TCP/TLS connections: caps in total, per remote address and per IPv6 /64. Every socket counts from the
 * moment it is accepted (a TLS connection still in its handshake included) or opened, until it closes, so half-open
 * connections cannot exhaust descriptors outside the caps. An IPv6 host commonly holds a whole /64 (RFC 4291 §2.5.4,
 * SLAAC), so capping single IPv6 addresses alone would not bound one attacker.
 */
import { isIPv6 } from 'node:net';

export interface AdmissionLimits {
  /** Open sockets in total (inbound, outbound, pending handshakes). */
  maxConnections: number;
  /** Per remote IPv4 or IPv6 address. */
  maxPerAddress: number;
  /** Per remote IPv6 /64. */
  maxPerIpv6Prefix: number;
}

export const DEFAULT_ADMISSION_LIMITS: Readonly<AdmissionLimits> = Object.freeze({
  maxConnections: 10000,
  maxPerAddress: 1000,
  maxPerIpv6Prefix: 1000,
});

/**
 * The /64 an IPv6 address belongs to, as `a:b:c:d::/64` (lower-case hex, no leading zeros); undefined for IPv4
 * (IPv4-mapped IPv6 included: it is an IPv4 source).
 */
export function ipv6Prefix64(address: string): string | undefined {
  let a = address.toLowerCase();
  const zone = a.indexOf('%');
  if (zone !== -1) a = a.slice(0, zone);
  if (!isIPv6(a)) return undefined;
  if (a.startsWith('::ffff:') && a.includes('.')) return undefined;
  const dbl = a.indexOf('::');
  let groups: string[];
  if (dbl === -1) groups = a.split(':');
  else {
    const head = dbl === 0 ? [] : a.slice(0, dbl).split(':');
    const tail = dbl + 2 >= a.length ? [] : a.slice(dbl + 2).split(':');
    // A trailing dotted quad stands for two groups.
    const tailGroups = tail.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
    groups = [...head, ...new Array<string>(Math.max(0, 8 - head.length - tailGroups)).fill('0'), ...tail];
  }
  return (
    groups
      .slice(0, 4)
      .map((g) => parseInt(g, 16).toString(16))
      .join(':') + '::/64'
  );
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}

/** Counts sockets by remote address and /64 and refuses those over a cap. */
export class ConnectionAdmission {
  private total = 0;
  private readonly perAddress = new Map<string, number>();
  private readonly perPrefix = new Map<string, number>();

  constructor(public limits: AdmissionLimits = { ...DEFAULT_ADMISSION_LIMITS }) {}

  /** Sockets counted now. */
  get size(): number {
    return this.total;
  }

  /** Why a new socket to/from `address` (normalized) is refused, or undefined when it may be admitted. */
  refuse(address: string): string | undefined {
    const l = this.limits;
    if (this.total >= l.maxConnections) return 'connection limit reached';
    if ((this.perAddress.get(address) ?? 0) >= l.maxPerAddress) return `connection limit for ${address} reached`;
    const prefix = ipv6Prefix64(address);
    if (prefix !== undefined && (this.perPrefix.get(prefix) ?? 0) >= l.maxPerIpv6Prefix) return `connection limit for ${prefix} reached`;
    return undefined;
  }

  /** Counts `socket` against `address` until it closes. */
  acquire(address: string, socket: { once(event: 'close', listener: () => void): unknown }): void {
    this.total++;
    bump(this.perAddress, address, 1);
    const prefix = ipv6Prefix64(address);
    if (prefix !== undefined) bump(this.perPrefix, prefix, 1);
    socket.once('close', () => {
      this.total--;
      bump(this.perAddress, address, -1);
      if (prefix !== undefined) bump(this.perPrefix, prefix, -1);
    });
  }
}
