import { describe, it, expect } from 'vitest';
import { Router, parseHop, type PairView } from './router.js';
import { defaultRuntimeConfig } from '../config.js';
import type { HaServer, PairState, ServerRole } from '../ha/ha-pair.js';

const A = { name: 'SIPServer_A', host: '127.0.0.1', port: 5070, transport: 'udp' as const };
const Ab = { name: 'SIPServer_A_backup', host: '127.0.0.2', port: 5070, transport: 'udp' as const };
const B = { name: 'SIPServer_B', host: '127.0.0.3', port: 5070, transport: 'udp' as const };

class Pair implements PairView {
  state: PairState = 'primary-active';
  constructor(
    readonly name: string,
    private p: HaServer,
    private b?: HaServer,
  ) {}
  get activeRole(): ServerRole | undefined {
    return this.state === 'primary-active' ? 'primary' : this.state === 'backup-active' ? 'backup' : undefined;
  }
  activeServer() {
    return this.activeRole ? this.server(this.activeRole) : undefined;
  }
  server(r: ServerRole) {
    return r === 'primary' ? this.p : this.b;
  }
}

function make() {
  const cfg = defaultRuntimeConfig({
    appName: 'SIPProxy_1',
    servingPair: 'SIPServer_A',
    pairs: [
      { name: 'SIPServer_A', primary: A, backup: Ab },
      { name: 'SIPServer_B', primary: B },
    ],
    extensions: [{ number: '1001', contact: '127.0.0.1:5090;transport=tcp' }],
    trunks: [
      { number: 'to-site-b', contact: 'sipserver.site-b.example', peerProxyContact: 'proxy.site-b.example:5060', peerProxyProtocol: 'udp' },
    ],
  });
  const pa = new Pair('SIPServer_A', A, Ab);
  const pb = new Pair('SIPServer_B', B);
  return { r: new Router(cfg, [pa, pb]), pa, pb };
}
const ep = { address: '127.0.0.1', port: 40000, transport: 'udp' as const };

describe('Router', () => {
  it('sends requests from endpoints to the active server of the serving pair', () => {
    const { r, pa } = make();
    const req = { method: 'INVITE', ruri: { user: '2000', host: 'proxy.example' }, inDialog: false, source: ep };
    expect(r.decide(req)).toMatchObject({ kind: 'pair', pair: 'SIPServer_A', role: 'primary', target: { host: '127.0.0.1', port: 5070 } });
    pa.state = 'backup-active';
    expect(r.decide(req)).toMatchObject({ kind: 'pair', role: 'backup', target: { host: '127.0.0.2' } });
    pa.state = 'out-of-service';
    expect(r.decide(req)).toMatchObject({ kind: 'reject', status: 503, retryAfter: 5, pair: 'SIPServer_A' });
  });

  it('recognises SIP Servers by source address or by Via sent-by on TCP', () => {
    const { r } = make();
    expect(r.classifySource({ source: { address: '127.0.0.2', port: 5070, transport: 'udp' } })).toEqual({
      pair: 'SIPServer_A',
      role: 'backup',
    });
    expect(
      r.classifySource({ source: { address: '127.0.0.2', port: 41234, transport: 'tcp' }, viaSentBy: { host: '127.0.0.2', port: 5070 } }),
    ).toEqual({ pair: 'SIPServer_A', role: 'backup' });
    expect(
      r.classifySource({ source: { address: '127.0.0.9', port: 41234, transport: 'tcp' }, viaSentBy: { host: '127.0.0.2', port: 5070 } }),
    ).toBeUndefined();
    expect(r.classifySource({ source: ep })).toBeUndefined();
  });

  it('routes requests from a SIP Server to extension contacts, other pairs, trunks and the Request-URI', () => {
    const { r, pb } = make();
    const src = { address: '127.0.0.1', port: 5070, transport: 'udp' as const };
    expect(r.decide({ method: 'INVITE', ruri: { user: '1001', host: '127.0.0.1', port: 5070 }, inDialog: false, source: src })).toEqual({
      kind: 'hop',
      reason: 'extension',
      target: { host: '127.0.0.1', port: 5090, transport: 'tcp' },
    });
    expect(r.decide({ method: 'INVITE', ruri: { user: 'x', host: '127.0.0.3', port: 5070 }, inDialog: false, source: src })).toMatchObject({
      kind: 'pair',
      pair: 'SIPServer_B',
    });
    pb.state = 'out-of-service';
    expect(r.decide({ method: 'INVITE', ruri: { user: 'x', host: '127.0.0.3', port: 5070 }, inDialog: false, source: src })).toMatchObject({
      kind: 'reject',
      status: 503,
    });
    expect(r.decide({ method: 'INVITE', ruri: { user: '3000', host: 'sipserver.site-b.example' }, inDialog: false, source: src })).toEqual({
      kind: 'hop',
      reason: 'trunk',
      target: { host: 'proxy.site-b.example', port: 5060, transport: 'udp' },
    });
    expect(
      r.decide({
        method: 'INVITE',
        ruri: { user: '5555', host: 'gw.example', port: 5080, transport: 'TCP' },
        inDialog: false,
        source: src,
      }),
    ).toEqual({ kind: 'hop', reason: 'request-uri', target: { host: 'gw.example', port: 5080, transport: 'tcp' } });
    r.flows = { lookup: (u) => (u.user === '5555' ? { host: '10.0.0.1', port: 1234, transport: 'tls' } : undefined) };
    expect(r.decide({ method: 'INVITE', ruri: { user: '5555', host: 'gw.example' }, inDialog: false, source: src })).toMatchObject({
      kind: 'hop',
      reason: 'flow',
    });
  });

  it('sends a per-server trunk (contact = remote SIP Server host:port) to its peer proxy, not to the server', () => {
    // The guide's "Configure multi-site call handling", DNS resolution not used: one Trunk DN per remote SIP Server,
    // contact = its host:port, peer-proxy-contact = the remote site's proxy pool. The remote pair is also monitored.
    const cfg = defaultRuntimeConfig({
      appName: 'SIPProxy_1',
      servingPair: 'SIPServer_A',
      pairs: [
        { name: 'SIPServer_A', primary: A, backup: Ab },
        { name: 'SIPServer_B', primary: B },
      ],
      trunks: [{ number: 'to-b-primary', contact: '127.0.0.3:5070', peerProxyContact: '127.0.0.4:5060', peerProxyProtocol: 'udp' }],
    });
    const r = new Router(cfg, [new Pair('SIPServer_A', A, Ab), new Pair('SIPServer_B', B)]);
    const src = { address: '127.0.0.1', port: 5070, transport: 'udp' as const };
    expect(r.decide({ method: 'INVITE', ruri: { user: '3000', host: '127.0.0.3', port: 5070 }, inDialog: false, source: src })).toEqual({
      kind: 'hop',
      reason: 'trunk',
      target: { host: '127.0.0.4', port: 5060, transport: 'udp' },
    });
    // No port in the Request-URI means 5060 (RFC 3261 §19.1.2); a trunk contact of host:5060 matches it.
    const cfg2 = defaultRuntimeConfig({
      ...cfg,
      trunks: [{ number: 't', contact: '127.0.0.3:5060', peerProxyContact: '127.0.0.4:5062', peerProxyProtocol: 'tcp' }],
    });
    const r2 = new Router(cfg2, []);
    expect(r2.decide({ method: 'INVITE', ruri: { user: '3000', host: '127.0.0.3' }, inDialog: false, source: src })).toEqual({
      kind: 'hop',
      reason: 'trunk',
      target: { host: '127.0.0.4', port: 5062, transport: 'tcp' },
    });
  });

  it('parses configured contacts', () => {
    expect(parseHop('127.0.0.1:5090;transport=tcp')).toEqual({ host: '127.0.0.1', port: 5090, transport: 'tcp' });
    expect(parseHop('<sip:1001@[::1]:5062;transport=TLS>')).toEqual({ host: '[::1]', port: 5062, transport: 'tls' });
    expect(parseHop('sips:proxy.example')).toEqual({ host: 'proxy.example', transport: 'tls' });
    expect(parseHop('host:99999')).toBeUndefined();
  });
});
