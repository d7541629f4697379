import { describe, expect, it } from 'vitest';
import { decidePath, RelayPolicy, type RelayFacts } from './relay-policy.js';

const neighbours = {
  sipServers: [
    { host: '10.0.0.10', port: 5070 },
    { host: '[2001:db8::10]', port: 5060 },
  ],
  trunkPeers: ['10.9.0.5:5060', 'peer.example.com:5060'],
  extensionContacts: ['10.0.0.40:5080;transport=tcp'],
};
const policy = (over: Partial<ConstructorParameters<typeof RelayPolicy>[0]> = {}) =>
  new RelayPolicy({ trustedNetworks: ['192.168.10.0/24', '2001:db8:1::/48'], allowForeignNextHop: false, ...over }, neighbours);
const hop = (host: string, port: number | undefined, by: 'route' | 'request-uri' = 'route'): RelayFacts['target'] => ({
  kind: 'hop',
  hop: port === undefined ? { host } : { host, port },
  by,
});
const facts = (sourceAddress: string, target: RelayFacts['target'], more: Partial<RelayFacts> = {}): RelayFacts => ({
  sourceAddress,
  fromSipServer: false,
  target,
  ...more,
});

describe('relay policy (RFC 3261 §16.4, §26.3.2.4)', () => {
  it('trusts SIP Servers, trunk peers given by address and trusted networks (IPv4-mapped too)', () => {
    const p = policy();
    const foreign = hop('203.0.113.9', 5060);
    expect(p.decide(facts('198.51.100.1', foreign, { fromSipServer: true }))).toMatchObject({ kind: 'allow', why: 'trusted-source' });
    expect(p.decide(facts('10.9.0.5', foreign))).toMatchObject({ kind: 'allow', why: 'trusted-source' });
    expect(p.decide(facts('::ffff:192.168.10.77', foreign))).toMatchObject({ kind: 'allow', why: 'trusted-source' });
    expect(p.decide(facts('2001:db8:1:ff::1', foreign))).toMatchObject({ kind: 'allow', why: 'trusted-source' });
    expect(p.decide(facts('192.168.11.1', foreign))).toMatchObject({ kind: 'refuse', status: 403, what: 'foreign-route' });
  });

  it('lets an untrusted source reach the SIP Servers, flows and extensions only (a registered Contact is reached over its flow, not at its address)', () => {
    const p = policy();
    const ua = '198.51.100.1';
    expect(p.decide(facts(ua, { kind: 'pair' })).kind).toBe('allow');
    expect(p.decide(facts(ua, { kind: 'flow' })).kind).toBe('allow');
    expect(p.decide(facts(ua, hop('10.0.0.10', 5070, 'request-uri')))).toMatchObject({ why: 'sip-server' });
    expect(p.decide(facts(ua, hop('2001:db8::10', undefined)))).toMatchObject({ why: 'sip-server' });
    expect(p.decide(facts(ua, hop('10.0.0.40', 5080)))).toMatchObject({ why: 'extension' });
    expect(p.decide(facts(ua, hop('10.0.0.10', 5071)))).toMatchObject({ kind: 'refuse', reason: 'Forbidden (Route Names A Foreign Host)' });
    expect(p.decide(facts(ua, hop('203.0.113.9', 5060, 'request-uri')))).toMatchObject({
      kind: 'refuse',
      reason: 'Forbidden (Relaying Denied)',
    });
    expect(policy({ allowForeignNextHop: true }).decide(facts(ua, hop('203.0.113.9', 5060))).kind).toBe('allow');
  });

  it('refuses a Path naming another host from an untrusted source only (RFC 3327 §5.3)', () => {
    const p = policy();
    expect(decidePath(p, { sourceAddress: '198.51.100.1', fromSipServer: false, foreignPath: true })).toMatchObject({
      kind: 'refuse',
      what: 'foreign-path',
    });
    expect(decidePath(p, { sourceAddress: '198.51.100.1', fromSipServer: false, foreignPath: false }).kind).toBe('allow');
    expect(decidePath(p, { sourceAddress: '192.168.10.5', fromSipServer: false, foreignPath: true }).kind).toBe('allow');
    expect(
      decidePath(policy({ allowForeignNextHop: true }), { sourceAddress: '198.51.100.1', fromSipServer: false, foreignPath: true }).kind,
    ).toBe('allow');
  });
});
