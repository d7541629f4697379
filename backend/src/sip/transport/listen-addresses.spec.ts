import { describe, expect, it } from 'vitest';
import { isAllInterfaces, listenersFromSipAddress } from './transport-layer.js';

// sip-address -> listeners (guide, "SIP Address Binding": unset binds the SIP port on all network interfaces).
describe('listenersFromSipAddress', () => {
  it('unset, empty, *, 0.0.0.0 and :: mean every interface: IPv4 and IPv6', () => {
    for (const a of [undefined, '', ' ', '*', '0.0.0.0', '::', '[::]']) expect(isAllInterfaces(a), String(a)).toBe(true);
    expect(isAllInterfaces('127.0.0.1')).toBe(false);
    expect(
      listenersFromSipAddress({ sipAddress: '*', udpPort: 5060, tcpPort: 5060 }).map((l) => `${l.transport} ${l.address}:${l.port}`),
    ).toEqual(['udp 0.0.0.0:5060', 'tcp 0.0.0.0:5060', 'udp :::5060', 'tcp :::5060']);
  });

  it('a host without IPv6: every IPv4 interface only', () => {
    expect(listenersFromSipAddress({ ipv6: false, udpPort: 5060 })).toEqual([{ transport: 'udp', address: '0.0.0.0', port: 5060 }]);
  });

  it('a set address binds there only, TLS on tls-port when given its options', () => {
    const tls = { minVersion: 'TLSv1.2' as const };
    expect(listenersFromSipAddress({ sipAddress: '[::1]', udpPort: 5060, tcpPort: 5060, tlsPort: 5061, tls })).toEqual([
      { transport: 'udp', address: '::1', port: 5060 },
      { transport: 'tcp', address: '::1', port: 5060 },
      { transport: 'tls', address: '::1', port: 5061, tls },
    ]);
    expect(listenersFromSipAddress({ sipAddress: '127.0.0.1', tlsPort: 5061 })).toEqual([]);
  });
});
