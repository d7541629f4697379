import { describe, expect, it } from 'vitest';
import { aorKey, FlowRegistry } from './flow-registry.js';

describe('FlowRegistry.lookupContact with one Contact registered by several AORs', () => {
  const reg = (): FlowRegistry => new FlowRegistry({ now: () => 1000, lastReceived: () => 0, closeConnection: () => undefined, graceS: 0 });
  const udp = (a: string) => ({ transport: 'udp' as const, remoteAddress: a, remotePort: 5060 });

  it('prefers the binding of the AOR asked for; without one, the newest live binding', () => {
    const r = reg();
    r.bind({ flow: udp('10.0.0.10'), aor: 'sip:bob@example.com', contactKey: 'bob@10.0.0.10:5060', flowTimerS: 0, expiresS: 60 });
    r.bind({ flow: udp('10.0.0.66'), aor: 'sip:evil@example.com', contactKey: 'bob@10.0.0.10:5060', flowTimerS: 0, expiresS: 60 });
    expect(r.lookupContact('bob@10.0.0.10:5060', 'sip:Bob@Example.com:5060;user=phone')).toEqual({ flow: udp('10.0.0.10') });
    expect(r.lookupContact('bob@10.0.0.10:5060', 'sip:evil@example.com')).toEqual({ flow: udp('10.0.0.66') });
    expect(r.lookupContact('bob@10.0.0.10:5060', 'sip:carol@example.com')).toEqual({ flow: udp('10.0.0.66') });
    expect(r.lookupContact('bob@10.0.0.10:5060')).toEqual({ flow: udp('10.0.0.66') });
  });

  it('compares AORs as user@host', () => {
    expect(aorKey('sip:Bob@Example.COM:5061;transport=tcp')).toBe('bob@example.com');
    expect(aorKey('<sips:bob@[2001:db8::1]:5061>')).toBe('bob@[2001:db8::1]');
    expect(aorKey('sip:example.com')).toBe('example.com');
  });
});

describe('flow tokens in a worker group', () => {
  const key = Buffer.alloc(32, 7);
  const member = (m: number): FlowRegistry =>
    new FlowRegistry({ now: () => 1000, lastReceived: () => undefined, closeConnection: () => undefined, graceS: 0, key, member: m });
  const tcp = { transport: 'tcp' as const, remoteAddress: '10.0.0.10', remotePort: 40000, connectionId: 'c7' };

  it("a TCP flow's token names the member holding it; another member reads it (shared key), its own flows carry no member", () => {
    const a = member(0);
    const b = member(1);
    const t = a.tokenFor(tcp);
    expect(a.parseToken(t)).toEqual({ ok: true, flow: tcp });
    expect(b.parseToken(t)).toEqual({ ok: true, flow: { ...tcp, member: 0 } });
    // The holder decides whether it is alive (it answers 430 itself): alive for the others, closed here.
    expect(b.isAlive({ ...tcp, member: 0 })).toBe(true);
    expect(a.isAlive(tcp)).toBe(false);
    // A Record-Route token member 1 writes for member 0's flow still names member 0.
    expect(a.parseToken(b.tokenFor({ ...tcp, member: 0 }))).toEqual({ ok: true, flow: tcp });
    expect(b.parseToken(t.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).toEqual({ ok: false, reason: 'tampered' });
  });
});
