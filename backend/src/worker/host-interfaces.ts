/**
 * This host's interfaces as the worker's sip-address rule needs them (guide, "SIP Address Binding": unset binds the
 * SIP port on all network interfaces; "This option must be set when deploying SIP Proxy on a host with multiple
 * network interfaces"): whether an address is local, whether IPv6 exists, and whether there are several interfaces.
 */
import * as os from 'node:os';

/** Every address of every interface (the proxy's own names when it listens everywhere). */
export function localAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(os.networkInterfaces())) for (const i of list ?? []) out.push(i.address);
  return out;
}

/** This host's addresses (not loopback, not link-local) when a family has more than one of them; else none. */
export function severalInterfaces(): string[] {
  const byFamily = new Map<string, string[]>();
  for (const list of Object.values(os.networkInterfaces())) {
    for (const i of list ?? []) {
      if (i.internal || i.address.toLowerCase().startsWith('fe80:') || i.address.startsWith('169.254.')) continue;
      byFamily.set(i.family, [...(byFamily.get(i.family) ?? []), i.address]);
    }
  }
  return [...byFamily.values()].filter((a) => a.length > 1).flat();
}

/** Does this host have an IPv6 interface (::1 at least)? Without one, "every interface" is every IPv4 one. */
export function hasIpv6(): boolean {
  return Object.values(os.networkInterfaces()).some((list) => (list ?? []).some((i) => i.family === 'IPv6'));
}

/** Is `a` an address of this host (a sip-address the SIP ports can bind)? */
export function isLocalAddress(a: string): boolean {
  // All of 127.0.0.0/8 is loopback on Linux (tests use 127.0.0.2 ...).
  if (a.startsWith('127.') || a === '::1') return true;
  return localAddresses().includes(a);
}
