import { describe, it, expect } from 'vitest';
import { SipResolver, type DnsBackend } from './resolver.js';

function backend(): DnsBackend & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async naptr(n) {
      calls.push('naptr ' + n);
      if (n === 'pool.example') return [{ flags: 'S', service: 'SIP+D2T', regexp: '', replacement: '_sip._tcp.pool.example', order: 10, preference: 10 }];
      throw new Error('ENODATA');
    },
    async srv(n) {
      calls.push('srv ' + n);
      if (n === '_sip._tcp.pool.example') return [{ name: 'b.example', port: 5080, priority: 20, weight: 0 }, { name: 'a.example', port: 5070, priority: 10, weight: 0 }];
      if (n === '_sip._udp.srvonly.example') return [{ name: 'a.example', port: 5090, priority: 1, weight: 1 }];
      throw new Error('ENOTFOUND');
    },
    async addresses(n) {
      calls.push('a ' + n);
      if (n === 'a.example') return [{ address: '10.0.0.1', ttl: 2 }];
      if (n === 'b.example') return [{ address: '10.0.0.2', ttl: 300 }];
      if (n === 'plain.example') return [{ address: '10.0.0.3', ttl: 300 }];
      throw new Error('ENOTFOUND');
    },
  };
}

describe('SipResolver (RFC 3263 §4)', () => {
  it('IP literals resolve synchronously with default ports', () => {
    const r = new SipResolver(backend());
    expect(r.resolveLiteral({ host: '127.0.0.1' })).toEqual({ transport: 'udp', host: '127.0.0.1', port: 5060 });
    expect(r.resolveLiteral({ host: '[::1]', secure: true })).toEqual({ transport: 'tls', host: '::1', port: 5061 });
    expect(r.resolveLiteral({ host: 'x.example' })).toBeUndefined();
  });

  it('NAPTR -> SRV (priority order) -> A', async () => {
    const r = new SipResolver(backend());
    expect(await r.resolve({ host: 'pool.example' })).toEqual([
      { transport: 'tcp', host: '10.0.0.1', port: 5070 },
      { transport: 'tcp', host: '10.0.0.2', port: 5080 },
    ]);
  });

  it('SRV without NAPTR, then A with the default port', async () => {
    const r = new SipResolver(backend());
    expect(await r.resolve({ host: 'srvonly.example' })).toEqual([{ transport: 'udp', host: '10.0.0.1', port: 5090 }]);
    expect(await r.resolve({ host: 'plain.example' })).toEqual([{ transport: 'udp', host: '10.0.0.3', port: 5060 }]);
    expect(await r.resolve({ host: 'plain.example', port: 5099, transport: 'tcp' })).toEqual([{ transport: 'tcp', host: '10.0.0.3', port: 5099 }]);
    expect(await r.resolve({ host: 'nowhere.example' })).toEqual([]);
  });

  it('caches by TTL', async () => {
    let t = 0;
    const b = backend();
    const r = new SipResolver(b, () => t);
    await r.resolve({ host: 'a.example', port: 1 });
    await r.resolve({ host: 'a.example', port: 1 });
    expect(b.calls.filter((c) => c === 'a a.example').length).toBe(1);
    t = 2_500;
    await r.resolve({ host: 'a.example', port: 1 });
    expect(b.calls.filter((c) => c === 'a a.example').length).toBe(2);
  });
});
