import { describe, expect, it } from 'vitest';
import { parse } from '../../../test/support/transaction-kit.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { parseUri } from '../message/index.js';
import type { MessageSource } from '../transport/types.js';
import { FlowRegistry } from './flow-registry.js';
import { EdgeOutbound, contactKey, type RegisterState } from './outbound.js';

const UA: MessageSource = {
  transport: 'tls',
  remoteAddress: '10.0.0.50',
  remotePort: 40001,
  localAddress: '10.0.0.1',
  localPort: 5061,
  connectionId: 'tls-7',
};
const UA2: MessageSource = { ...UA, remotePort: 40002, connectionId: 'tls-8' };
const SERVER: MessageSource = { transport: 'udp', remoteAddress: '10.0.0.10', remotePort: 5070, localAddress: '10.0.0.1', localPort: 5060 };

function register(
  extraVia = '',
  contact = '<sip:1000@10.0.0.50:5061;transport=tls>;reg-id=1;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"',
  more: string[] = [],
): SipRequest {
  return parse(
    [
      'REGISTER sip:example.com SIP/2.0',
      'Via: SIP/2.0/TLS 10.0.0.50:5061;branch=z9hG4bK-r1;received=10.0.0.50;rport=40001',
      ...(extraVia ? [extraVia] : []),
      'Max-Forwards: 70',
      'From: <sip:1000@example.com>;tag=a',
      'To: <sip:1000@example.com>',
      'Call-ID: r1',
      'CSeq: 1 REGISTER',
      `Contact: ${contact}`,
      'Supported: outbound, path',
      ...more,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  ) as SipRequest;
}

function ok(extra: string[] = []): SipResponse {
  return parse(
    [
      'SIP/2.0 200 OK',
      'Via: SIP/2.0/TLS 10.0.0.50:5061;branch=z9hG4bK-r1',
      'From: <sip:1000@example.com>;tag=a',
      'To: <sip:1000@example.com>;tag=b',
      'Call-ID: r1',
      'CSeq: 1 REGISTER',
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  ) as SipResponse;
}

function setup(flowTimerS = 0) {
  let now = 1_000_000;
  const last = new Map<string, number>([
    ['tls-7', now],
    ['tls-8', now],
  ]);
  const closed: string[] = [];
  const registry = new FlowRegistry({
    now: () => now,
    lastReceived: (id) => last.get(id),
    closeConnection: (id) => {
      closed.push(id);
      last.delete(id);
    },
    graceS: 30,
  });
  const edge = new EdgeOutbound(registry, { flowTimerS, advertisedHost: '10.0.0.1', ports: { udp: 5060, tcp: 5060, tls: 5061 } });
  return {
    edge,
    registry,
    last,
    closed,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
  };
}

describe('EdgeOutbound (RFC 5626 edge proxy, RFC 3327 Path)', () => {
  it('first hop: Path with a flow token and ;ob, Supported path/outbound, Flow-Timer in the 2xx', () => {
    const { edge } = setup(120);
    const req = register();
    const st = edge.onRegister(req, UA) as RegisterState;
    expect(st.ob).toBe(true);
    expect(st.contacts[0]).toMatchObject({
      key: '1000@10.0.0.50:5061',
      regId: 1,
      instance: '<urn:uuid:00000000-0000-1000-8000-000A95A0E128>',
    });
    const fwd = req.clone();
    edge.addPath(fwd, st, edge.uri('udp', st.token, st.ob));
    const path = fwd.headers.get('path')!;
    expect(path).toMatch(/^<sip:[\w-]+\.[\w-]+@10\.0\.0\.1:5060;lr;ob>$/);
    expect(fwd.supported()).toEqual(expect.arrayContaining(['outbound', 'path']));
    const resp = ok(['Contact: <sip:1000@10.0.0.50:5061;transport=tls>;expires=600']);
    edge.onRegisterResponse(st, resp);
    expect(resp.headers.get('flow-timer')).toBe('120');
  });

  it('routes a request with our Path token down the flow, ignores it on the flow itself, 430 once the flow is gone, 403 when tampered', () => {
    const { edge, last } = setup();
    const st = edge.onRegister(register(), UA) as RegisterState;
    edge.onRegisterResponse(st, ok());
    const r = edge.route([st.token], parseUri('sip:1000@10.0.0.50:5061;transport=tls'), SERVER, true, 0);
    expect(r).toMatchObject({ dest: { transport: 'tls', host: '10.0.0.50', port: 40001, connectionId: 'tls-7', requireConnection: true } });
    expect(edge.route([st.token], null, UA, false, 0)).toBeUndefined();
    const bad = st.token.slice(0, -2) + (st.token.endsWith('AA') ? 'BB' : 'AA');
    expect(edge.route([bad], null, SERVER, true, 0)).toMatchObject({ status: 403 });
    last.delete('tls-7');
    edge.registry.connectionClosed('tls-7');
    expect(edge.route([st.token], null, SERVER, true, 0)).toMatchObject({ status: 430, reason: 'Flow Failed' });
  });

  it('Request-URI lookup for registrars that ignore Path; another reg-id flow of the same instance is the failover', () => {
    const { edge, last } = setup();
    const s1 = edge.onRegister(register(), UA) as RegisterState;
    edge.onRegisterResponse(s1, ok());
    const s2 = edge.onRegister(
      register('', '<sip:1000@10.0.0.50:5061;transport=tls>;reg-id=2;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"'),
      UA2,
    ) as RegisterState;
    edge.onRegisterResponse(s2, ok());
    const ruri = parseUri('sip:1000@10.0.0.50:5061;transport=tls');
    expect(edge.route([], ruri, SERVER, true, 0)).toMatchObject({ dest: { connectionId: 'tls-8' } });
    last.delete('tls-8');
    expect(edge.route([], ruri, SERVER, true, 0)).toMatchObject({ dest: { connectionId: 'tls-7' } });
    last.delete('tls-7');
    expect(edge.route([], ruri, SERVER, true, 0)).toMatchObject({ status: 430 });
    expect(edge.route([], ruri, UA, false, 0)).toBeUndefined();
    expect(edge.registry.size().bindings).toBe(2);
  });

  it('439 when a UA asks for outbound through a first hop that did not do it; plain forwarding behind an outbound edge', () => {
    const { edge } = setup();
    const via = 'Via: SIP/2.0/UDP 10.0.0.60:5060;branch=z9hG4bK-p1';
    expect(edge.onRegister(register(via), UA)).toMatchObject({ status: 439, reason: 'First Hop Lacks Outbound Support' });
    expect(edge.onRegister(register(via, undefined, ['Path: <sip:tok@10.0.0.60;lr;ob>']), UA)).toBeUndefined();
    // Without reg-id: plain stickiness, Path without ;ob.
    const st = edge.onRegister(register('', '<sip:1000@10.0.0.50:5061;transport=tls>'), UA) as RegisterState;
    expect(st.ob).toBe(false);
  });

  it('garbage-collects a flow silent for Flow-Timer + grace, and deregistration removes bindings', () => {
    const { edge, registry, last, closed, advance, now } = setup(10);
    const st = edge.onRegister(register(), UA) as RegisterState;
    edge.onRegisterResponse(st, ok());
    advance(35_000);
    expect(registry.sweep()).toBe(0);
    last.set('tls-7', now());
    advance(39_000);
    expect(registry.sweep()).toBe(0);
    advance(2_000);
    expect(registry.sweep()).toBe(1);
    expect(closed).toEqual(['tls-7']);
    const un = edge.onRegister(
      register(
        '',
        '<sip:1000@10.0.0.50:5061;transport=tls>;expires=0;reg-id=1;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"',
      ),
      UA,
    ) as RegisterState;
    edge.onRegisterResponse(un, ok());
    expect(registry.size().bindings).toBe(0);
  });

  it('contact keys default the port by transport', () => {
    expect(contactKey(parseUri('sips:a@Host.example')!)).toBe('a@host.example:5061');
    expect(contactKey(parseUri('sip:a@10.0.0.5')!)).toBe('a@10.0.0.5:5060');
  });
});
