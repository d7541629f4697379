import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ConnectionAdmission, ipv6Prefix64 } from './connection-admission.js';

describe('ipv6Prefix64', () => {
  it('names the /64 of any spelling of an IPv6 address, and none for IPv4', () => {
    expect(ipv6Prefix64('2001:db8:0:1::5')).toBe('2001:db8:0:1::/64');
    expect(ipv6Prefix64('2001:0DB8:0000:0001:ffff:0:0:1')).toBe('2001:db8:0:1::/64');
    expect(ipv6Prefix64('::1')).toBe('0:0:0:0::/64');
    expect(ipv6Prefix64('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(ipv6Prefix64('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(ipv6Prefix64('::ffff:192.0.2.1')).toBeUndefined();
    expect(ipv6Prefix64('192.0.2.1')).toBeUndefined();
  });
});

describe('ConnectionAdmission', () => {
  it('caps per address, per IPv6 /64 and in total, and frees a place when a socket closes', () => {
    const a = new ConnectionAdmission({ maxConnections: 5, maxPerAddress: 2, maxPerIpv6Prefix: 3 });
    const s = () => new EventEmitter();
    const first = s();
    a.acquire('192.0.2.1', first);
    a.acquire('192.0.2.1', s());
    expect(a.refuse('192.0.2.1')).toMatch(/192\.0\.2\.1/);
    expect(a.refuse('192.0.2.2')).toBeUndefined();
    first.emit('close');
    expect(a.refuse('192.0.2.1')).toBeUndefined();
    // Three addresses of one /64: each under its own cap, the prefix is full.
    for (const x of ['2001:db8::1', '2001:db8::2', '2001:db8::3']) a.acquire(x, s());
    expect(a.refuse('2001:db8::4')).toMatch(/2001:db8:0:0::\/64/);
    expect(a.refuse('2001:db8:0:1::4')).toBeUndefined();
    expect(a.size).toBe(4);
    a.acquire('198.51.100.1', s());
    expect(a.refuse('198.51.100.2')).toBe('connection limit reached');
  });
});
