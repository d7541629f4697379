import { describe, expect, it } from 'vitest';
import { TransactionLayer } from '../transaction/transaction-layer.js';
import { FakeTimers } from '../transaction/timer-wheel.js';
import { FakeTransport, parse } from '../../../test/support/transaction-kit.js';
import type { MessageSource } from '../transport/types.js';
import { ProxyCore } from './proxy-core.js';
import { defaultRuntimeConfig, type ProxyRuntimeConfig } from '../config.js';
import { FlowRegistry } from '../outbound/flow-registry.js';
import { EdgeOutbound } from '../outbound/outbound.js';

const PROXY = '10.0.0.1';
const PHONE: MessageSource = {
  transport: 'tls',
  remoteAddress: '10.0.0.50',
  remotePort: 40001,
  localAddress: PROXY,
  localPort: 5061,
  connectionId: 'tls-9',
};
const SERVER: MessageSource = { transport: 'udp', remoteAddress: '10.0.0.10', remotePort: 5070, localAddress: PROXY, localPort: 5060 };

function setup(over: Partial<ProxyRuntimeConfig> = {}) {
  const timers = new FakeTimers();
  const transport = new FakeTransport(() => timers.now());
  const tl = new TransactionLayer(transport, { timers });
  const config = defaultRuntimeConfig({
    appName: 'SIPProxy_1',
    servingPair: 'A',
    oosCheckS: 0,
    pairs: [{ name: 'A', primary: { name: 'A', host: SERVER.remoteAddress, port: 5070, transport: 'udp' } }],
    ...over,
  });
  const open = new Set(['tls-9']);
  const registry = new FlowRegistry({
    now: () => timers.now(),
    lastReceived: (id) => (open.has(id) ? timers.now() : undefined),
    closeConnection: (id) => open.delete(id),
    graceS: 30,
  });
  const outbound = new EdgeOutbound(registry, { flowTimerS: 60, advertisedHost: PROXY, ports: { udp: 5060, tls: 5061 } });
  const proxy = new ProxyCore({
    config,
    tl,
    outbound,
    local: { advertisedHost: PROXY, aliases: [], ports: { udp: 5060, tcp: 5060, tls: 5061 } },
  });
  proxy.start();
  const deliver = (text: string, src: MessageSource): void => tl.receive(parse(text), src);
  return { transport, deliver, open, registry, timers };
}

function answer(reqText: string, status: number, extra: string[] = []): string {
  const m = parse(reqText);
  const lines = [`SIP/2.0 ${status} OK`];
  for (const v of m.headers.getAll('via')) lines.push(`Via: ${v}`);
  for (const v of m.headers.getAll('record-route')) lines.push(`Record-Route: ${v}`);
  lines.push(
    `From: ${m.headers.get('from')}`,
    `To: ${m.headers.get('to')};tag=t2`,
    `Call-ID: ${m.headers.get('call-id')}`,
    `CSeq: ${m.headers.get('cseq')}`,
    ...extra,
    'Content-Length: 0',
    '',
    '',
  );
  return lines.join('\r\n');
}

const REGISTER = [
  'REGISTER sip:example.com SIP/2.0',
  'Via: SIP/2.0/TLS 10.0.0.50:5061;branch=z9hG4bK-reg1',
  'Max-Forwards: 70',
  'From: <sip:1000@example.com>;tag=a',
  'To: <sip:1000@example.com>',
  'Call-ID: reg1',
  'CSeq: 1 REGISTER',
  'Contact: <sip:1000@10.0.0.50:5061;transport=tls>;reg-id=1;+sip.instance="<urn:uuid:1>"',
  'Supported: outbound, path',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

describe('ProxyCore with the RFC 5626 edge hooks', () => {
  it("REGISTER: Path on the upstream side with token and ;ob; 2xx gets Flow-Timer; the SIP Server's INVITE by Route goes down the flow, record-routed with the token on the phone side", () => {
    const { transport, deliver } = setup();
    deliver(REGISTER, PHONE);
    const fwd = transport.sent.find((s) => s.text.startsWith('REGISTER'))!;
    const path = /\r\nPath: (<[^\r]+>)/.exec(fwd.text)![1];
    expect(path).toMatch(/^<sip:[\w-]+\.[\w-]+@10\.0\.0\.1:5060;lr;ob>$/);
    deliver(answer(fwd.text, 200, ['Contact: <sip:1000@10.0.0.50:5061;transport=tls>;expires=300']), SERVER);
    const ok = transport.sent.find((s) => s.text.startsWith('SIP/2.0 200'))!;
    expect(ok.text).toContain('Flow-Timer: 60');
    expect(ok.destination.connectionId).toBe('tls-9');

    deliver(
      [
        'INVITE sip:1000@10.0.0.50:5061;transport=tls SIP/2.0',
        'Via: SIP/2.0/UDP 10.0.0.10:5070;branch=z9hG4bK-inv1',
        'Max-Forwards: 70',
        `Route: ${path}`,
        'From: <sip:2000@example.com>;tag=s',
        'To: <sip:1000@example.com>',
        'Call-ID: inv1',
        'CSeq: 1 INVITE',
        'Contact: <sip:2000@10.0.0.10:5070>',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      SERVER,
    );
    const inv = transport.sent.find((s) => s.text.startsWith('INVITE'))!;
    expect(inv.destination).toMatchObject({
      transport: 'tls',
      host: '10.0.0.50',
      port: 40001,
      connectionId: 'tls-9',
      requireConnection: true,
    });
    expect(inv.text).not.toMatch(/\r\nRoute:/);
    const rr = inv.text.match(/\r\nRecord-Route: ([^\r]+)/g)!.map((l) => l.slice(16));
    expect(rr[0]).toMatch(/^<sip:[\w-]+\.[\w-]+@10\.0\.0\.1:5061;transport=tls;lr>$/);
    expect(rr[1]).toBe('<sip:10.0.0.1:5060;lr>');
  });

  it('430 when the flow is gone; 439 for outbound through another first hop', () => {
    const { transport, deliver, open } = setup();
    deliver(REGISTER, PHONE);
    const fwd = transport.sent.find((s) => s.text.startsWith('REGISTER'))!;
    deliver(answer(fwd.text, 200), SERVER);
    open.delete('tls-9');
    deliver(
      [
        'MESSAGE sip:1000@10.0.0.50:5061;transport=tls SIP/2.0',
        'Via: SIP/2.0/UDP 10.0.0.10:5070;branch=z9hG4bK-m1',
        'Max-Forwards: 70',
        'From: <sip:2000@example.com>;tag=s',
        'To: <sip:1000@example.com>',
        'Call-ID: m1',
        'CSeq: 1 MESSAGE',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      SERVER,
    );
    expect(transport.sent.at(-1)!.text).toMatch(/^SIP\/2\.0 430 Flow Failed\r\n/);
    deliver(
      REGISTER.replace(
        'Via: SIP/2.0/TLS 10.0.0.50:5061;branch=z9hG4bK-reg1',
        'Via: SIP/2.0/TLS 10.0.0.60:5061;branch=z9hG4bK-p\r\nVia: SIP/2.0/UDP 10.0.0.50;branch=z9hG4bK-reg2',
      ).replace('Call-ID: reg1', 'Call-ID: reg2'),
      PHONE,
    );
    expect(transport.sent.at(-1)!.text).toMatch(/^SIP\/2\.0 439 First Hop Lacks Outbound Support\r\n/);
  });
});
