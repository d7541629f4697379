import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipFamily, parseDnsServer, parseNetwork, unbracket } from './address.js';

// Strings built from the characters IP literals are made of, so that near misses are frequent.
const ipish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFgz:.%-[]/'.split('')), maxLength: 45 });
const v4 = fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300)).map((p) => p.join('.'));
const v6 = fc.ipV6();

describe('address syntax (platform-free)', () => {
  it('ipFamily agrees with node:net isIP, which the stack uses elsewhere', () => {
    const edge = [
      '',
      '1.2.3.4',
      '01.2.3.4',
      '256.1.1.1',
      '1.2.3',
      '::',
      '::1',
      '1::',
      ':::',
      '::ffff:1.2.3.4',
      'fe80::1%eth0',
      '1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:1.2.3.4',
      '[::1]',
      'example.com',
      ' 1.2.3.4',
      '1.2.3.4 ',
      'fe80::1%',
    ];
    for (const s of edge) expect(ipFamily(s), s).toBe(isIP(s));
    fc.assert(
      fc.property(fc.oneof(ipish, v4, v6, fc.ipV4(), fc.ipV4Extended(), fc.string()), (s) => ipFamily(s) === isIP(s)),
      { numRuns: 20000 },
    );
  });

  it('parses DNS servers in the dns.getServers() forms', () => {
    expect(parseDnsServer('10.0.0.1')).toEqual({ host: '10.0.0.1', port: 53 });
    expect(parseDnsServer('127.0.0.1:5353')).toEqual({ host: '127.0.0.1', port: 5353 });
    expect(parseDnsServer('[::1]:5353')).toEqual({ host: '::1', port: 5353 });
    expect(parseDnsServer('fd00::53')).toEqual({ host: 'fd00::53', port: 53 });
    expect(() => parseDnsServer('dns.example')).toThrow(TypeError);
    expect(() => parseDnsServer('127.0.0.1:0')).toThrow(TypeError);
  });

  it('parses networks as the relay policy and the option validation use them', () => {
    expect(parseNetwork('10.1.0.0/16')).toEqual({ address: '10.1.0.0', prefix: 16, family: 'ipv4' });
    expect(parseNetwork('2001:db8::/32')).toEqual({ address: '2001:db8::', prefix: 32, family: 'ipv6' });
    expect(parseNetwork('[::1]')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    for (const bad of ['10.1.0.0/33', '10.1.0/16', 'example.com/8', '10.0.0.1/', '10.0.0.1/-1', '::/129', ''])
      expect(parseNetwork(bad), bad).toBeUndefined();
  });

  it('unbrackets IPv6 literals only', () => {
    expect(unbracket('[::1]')).toBe('::1');
    expect(unbracket('::1')).toBe('::1');
    expect(unbracket('[')).toBe('[');
    expect(unbracket('host')).toBe('host');
  });
});
