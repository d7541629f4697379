import { describe, it, expect } from 'vitest';
import { TransactionLayer } from '../transaction/transaction-layer.js';
import { FakeTimers } from '../transaction/timer-wheel.js';
import { FakeTransport, parse } from '../../../test/support/transaction-kit.js';
import type { MessageSource } from '../transport/types.js';
import type { SipRequest } from '../message/index.js';
import { Branch, ProxyCore } from './proxy-core.js';
import { defaultRuntimeConfig, type ProxyRuntimeConfig } from '../config.js';

const PROXY = '10.0.0.1';
const UAC: MessageSource = { transport: 'udp', remoteAddress: '10.0.0.50', remotePort: 5062, localAddress: PROXY, localPort: 5060 };
const PRIMARY = { transport: 'udp' as const, remoteAddress: '10.0.0.10', remotePort: 5070, localAddress: PROXY, localPort: 5060 };
const BACKUP = { transport: 'udp' as const, remoteAddress: '10.0.0.11', remotePort: 5070, localAddress: PROXY, localPort: 5060 };

function setup(over: Partial<ProxyRuntimeConfig> = {}) {
  const timers = new FakeTimers();
  const transport = new FakeTransport(() => timers.now());
  const tl = new TransactionLayer(transport, { timers });
  const config = defaultRuntimeConfig({
    appName: 'SIPProxy_1',
    servingPair: 'SIPServer_A',
    oosCheckS: 0, // probing off unless a test turns it on: the traffic is what is asserted
    pairs: [
      {
        name: 'SIPServer_A',
        primary: { name: 'SIPServer_A', host: PRIMARY.remoteAddress, port: 5070, transport: 'udp' },
        backup: { name: 'SIPServer_A_backup', host: BACKUP.remoteAddress, port: 5070, transport: 'udp' },
      },
    ],
    ...over,
  });
  const proxy = new ProxyCore({ config, tl, local: { advertisedHost: PROXY, aliases: [], ports: { udp: 5060, tcp: 5060 } } });
  proxy.start();
  const deliver = (text: string, src: MessageSource): void => tl.receive(parse(text), src);
  const sentTo = (host: string): string[] => transport.sent.filter((s) => s.destination.host === host).map((s) => s.text);
  return { timers, transport, tl, proxy, deliver, sentTo };
}

function invite(extra: string[] = [], opts: { mf?: number; branch?: string; uri?: string; toTag?: string; method?: string } = {}): string {
  const method = opts.method ?? 'INVITE';
  return [
    `${method} ${opts.uri ?? `sip:2000@${PROXY}:5060`} SIP/2.0`,
    `Via: SIP/2.0/UDP 10.0.0.50:5062;branch=${opts.branch ?? 'z9hG4bK-uac-1'}`,
    `Max-Forwards: ${opts.mf ?? 70}`,
    'From: <sip:1000@example.com>;tag=ft1',
    `To: <sip:2000@example.com>${opts.toTag ? ';tag=' + opts.toTag : ''}`,
    'Call-ID: call-1@10.0.0.50',
    `CSeq: 1 ${method}`,
    'Contact: <sip:1000@10.0.0.50:5062>',
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** Builds the downstream response to a forwarded request text (copies Via, RR, From, To, Call-ID, CSeq). */
function answer(reqText: string, status: number, toTag = 'uas1'): string {
  const m = parse(reqText);
  const lines = [`SIP/2.0 ${status} X`];
  for (const v of m.headers.getAll('via')) lines.push(`Via: ${v}`);
  for (const v of m.headers.getAll('record-route')) lines.push(`Record-Route: ${v}`);
  lines.push(
    `From: ${m.headers.get('from')}`,
    `To: ${m.headers.get('to')}${status > 100 ? ';tag=' + toTag : ''}`,
    `Call-ID: ${m.headers.get('call-id')}`,
    `CSeq: ${m.headers.get('cseq')}`,
    'Content-Length: 0',
    '',
    '',
  );
  return lines.join('\r\n');
}

describe('ProxyCore (RFC 3261 §16)', () => {
  it('forwards an INVITE to the active server with Via, Record-Route and Max-Forwards - 1, and relays responses', () => {
    const { deliver, sentTo, timers } = setup();
    deliver(invite(), UAC);
    const fwd = sentTo(PRIMARY.remoteAddress);
    expect(fwd.length).toBe(1);
    expect(fwd[0]).toMatch(/^INVITE sip:2000@10\.0\.0\.1:5060 SIP\/2\.0/);
    expect(fwd[0]).toMatch(
      /\r\nVia: SIP\/2\.0\/UDP 10\.0\.0\.1:5060;branch=z9hG4bKsep[0-9a-f]{8}\.[^\r]+\r\nVia: SIP\/2\.0\/UDP 10\.0\.0\.50:5062;branch=z9hG4bK-uac-1/,
    );
    expect(fwd[0]).toContain('Record-Route: <sip:10.0.0.1:5060;lr>');
    expect(fwd[0]).toContain('Max-Forwards: 69');
    deliver(answer(fwd[0], 180), PRIMARY);
    deliver(answer(fwd[0], 200), PRIMARY);
    const up = sentTo(UAC.remoteAddress);
    expect(up.map((t) => t.slice(0, 14))).toEqual(['SIP/2.0 180 X\r', 'SIP/2.0 200 X\r']);
    expect(up[1]).not.toContain('10.0.0.1:5060;branch');
    expect(up[1]).toContain('Record-Route: <sip:10.0.0.1:5060;lr>');
    timers.advance(40_000);
  });

  it('answers 483 to Max-Forwards 0, 420 to Proxy-Require, 400 to a CSeq mismatch, 200 to OPTIONS for itself', () => {
    const { deliver, sentTo } = setup();
    deliver(invite([], { mf: 0, branch: 'z9hG4bK-a' }), UAC);
    deliver(invite(['Proxy-Require: foo, bar'], { branch: 'z9hG4bK-b' }), UAC);
    deliver(invite([], { branch: 'z9hG4bK-c', method: 'OPTIONS', uri: `sip:${PROXY}:5060` }), UAC);
    const up = sentTo(UAC.remoteAddress);
    expect(up[0]).toMatch(/^SIP\/2\.0 483 /);
    expect(up[1]).toMatch(/^SIP\/2\.0 420 /);
    expect(up[1]).toContain('Unsupported: foo, bar');
    expect(up[2]).toMatch(/^SIP\/2\.0 200 /);
    expect(sentTo(PRIMARY.remoteAddress)).toEqual([]);
  });

  it('detects a loop (482) but lets a spiral through', () => {
    const { deliver, sentTo, transport } = setup();
    deliver(invite(), UAC);
    const fwd = sentTo(PRIMARY.remoteAddress)[0];
    // The same request comes back to us (e.g. the next hop routes it to us again): loop.
    deliver(fwd, PRIMARY);
    expect(transport.sent.at(-1)!.text).toMatch(/^SIP\/2\.0 482 /);
    // A spiral: the Request-URI changed.
    deliver(
      fwd.replace(
        'INVITE sip:2000@10.0.0.1:5060 SIP/2.0\r\n',
        'INVITE sip:3000@10.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.10:5070;branch=z9hG4bK-spiral\r\n',
      ),
      PRIMARY,
    );
    expect(transport.sent.at(-1)!.text).toMatch(/^INVITE sip:3000/);
  });

  // The Route mechanics below are asked of a trusted neighbour: the relay policy leaves it its routing.
  const TRUSTED_UAC = { relay: { trustedNetworks: ['10.0.0.50/32'], allowForeignNextHop: false } };

  it('routes in-dialog requests by Route after removing its own, and ACK for 2xx statelessly', () => {
    const { deliver, sentTo } = setup(TRUSTED_UAC);
    deliver(
      invite(['Route: <sip:10.0.0.1:5060;lr>'], { method: 'BYE', uri: 'sip:2000@10.0.0.77:5099', toTag: 't2', branch: 'z9hG4bK-bye' }),
      UAC,
    );
    const bye = sentTo('10.0.0.77');
    expect(bye.length).toBe(1);
    expect(bye[0]).not.toContain('Route:');
    deliver(
      invite(['Route: <sip:10.0.0.1:5060;lr>', 'Route: <sip:10.0.0.88:5060;lr>'], {
        method: 'ACK',
        uri: 'sip:2000@10.0.0.77:5099',
        toTag: 't2',
        branch: 'z9hG4bK-ack',
      }),
      UAC,
    );
    const ack = sentTo('10.0.0.88');
    expect(ack.length).toBe(1);
    expect(ack[0]).toMatch(/^ACK sip:2000@10\.0\.0\.77:5099/);
    expect(ack[0]).toContain('Route: <sip:10.0.0.88:5060;lr>');
  });

  it('handles a strict-routing previous hop (§16.4) and a strict next hop (§16.6 step 6)', () => {
    const { deliver, sentTo } = setup(TRUSTED_UAC);
    // Previous hop was a strict router: R-URI is our Record-Route URI, the real target is the last Route.
    deliver(
      invite(['Route: <sip:10.0.0.99:5060>', 'Route: <sip:2000@10.0.0.77:5099>'], {
        method: 'BYE',
        uri: 'sip:10.0.0.1:5060;lr',
        toTag: 't2',
      }),
      UAC,
    );
    const out = sentTo('10.0.0.99');
    expect(out.length).toBe(1);
    // The next hop 10.0.0.99 is a strict router too (no lr): it goes into the R-URI, the target to the Route end.
    expect(out[0]).toMatch(/^BYE sip:10\.0\.0\.99:5060 SIP/);
    expect(out[0]).toContain('Route: <sip:2000@10.0.0.77:5099>');
  });

  it('relay policy: an untrusted endpoint naming a foreign next hop gets 403 and nothing is sent there', () => {
    const { deliver, sentTo, proxy } = setup();
    // A forged route set (ours, then a foreign host), a foreign Route on an initial request, a strict-router form.
    deliver(
      invite(['Route: <sip:10.0.0.1:5060;lr>', 'Route: <sip:10.0.0.88:5060;lr>'], { method: 'BYE', toTag: 't2', branch: 'z9hG4bK-r1' }),
      UAC,
    );
    deliver(invite(['Route: <sip:10.0.0.88:5060;lr>'], { method: 'OPTIONS', branch: 'z9hG4bK-r2' }), UAC);
    deliver(invite(['Route: <sip:10.0.0.88:5060;lr>'], { branch: 'z9hG4bK-r3' }), UAC);
    deliver(
      invite(['Route: <sip:10.0.0.88:5060>', 'Route: <sip:2000@10.0.0.77:5099>'], {
        method: 'BYE',
        uri: 'sip:10.0.0.1:5060;lr',
        toTag: 't2',
        branch: 'z9hG4bK-r4',
      }),
      UAC,
    );
    // In-dialog with no Route left: the Request-URI is the next hop.
    deliver(
      invite(['Route: <sip:10.0.0.1:5060;lr>'], { method: 'BYE', uri: 'sip:2000@10.0.0.77:5099', toTag: 't2', branch: 'z9hG4bK-r5' }),
      UAC,
    );
    // A 2xx ACK with a forged route set is dropped (no response to an ACK).
    deliver(
      invite(['Route: <sip:10.0.0.1:5060;lr>', 'Route: <sip:10.0.0.88:5060;lr>'], { method: 'ACK', toTag: 't2', branch: 'z9hG4bK-r6' }),
      UAC,
    );
    expect(sentTo('10.0.0.88')).toEqual([]);
    expect(sentTo('10.0.0.77')).toEqual([]);
    const answers = sentTo(UAC.remoteAddress).filter((t) => t.startsWith('SIP/2.0 403'));
    expect(answers.length).toBe(5);
    expect(answers[0]).toMatch(/^SIP\/2.0 403 Forbidden \(Route Names A Foreign Host\)/);
    expect(answers.at(-1)).toMatch(/^SIP\/2.0 403 Forbidden \(Relaying Denied\)/);
    expect(proxy.stats.relayRefused).toBe(6);
  });

  it('relay policy: in-dialog requests to a SIP Server and initial requests to the serving pair pass; the option opens it live', () => {
    const { deliver, sentTo, proxy } = setup();
    // The SIP Server's Contact as Request-URI, our Record-Route popped: a BYE toward the pair (its active server).
    deliver(
      invite(['Route: <sip:10.0.0.1:5060;lr>'], { method: 'BYE', uri: 'sip:ss@10.0.0.10:5070', toTag: 't2', branch: 'z9hG4bK-d1' }),
      UAC,
    );
    expect(sentTo(PRIMARY.remoteAddress).length).toBe(1);
    // Any Request-URI of an initial request goes to the serving pair, never to the host it names.
    deliver(invite([], { uri: 'sip:2000@10.0.0.88:5060', branch: 'z9hG4bK-d2' }).replace('call-1@', 'call-d2@'), UAC);
    expect(sentTo(PRIMARY.remoteAddress).length).toBe(2);
    expect(sentTo('10.0.0.88')).toEqual([]);
    proxy.applyLive({ ...proxy.config, relay: { trustedNetworks: [], allowForeignNextHop: true } });
    deliver(invite(['Route: <sip:10.0.0.88:5060;lr>'], { method: 'OPTIONS', branch: 'z9hG4bK-d3' }), UAC);
    expect(sentTo('10.0.0.88').length).toBe(1);
    expect(proxy.stats.relayRefused).toBe(0);
  });

  it('fails over to the backup when the primary does not answer within the failover timeout', () => {
    const { deliver, sentTo, timers, proxy } = setup();
    deliver(invite(), UAC);
    expect(sentTo(PRIMARY.remoteAddress).length).toBe(1);
    timers.advance(1_001);
    const b = sentTo(BACKUP.remoteAddress);
    expect(b.length).toBe(1);
    const pair = proxy.pairs.get('SIPServer_A')!;
    expect(pair.state).toBe('backup-active');
    expect(pair.snapshot().history.at(-1)).toMatchObject({ trigger: 'forward-timeout', server: 'primary' });
    deliver(answer(b[0], 200), BACKUP);
    expect(sentTo(UAC.remoteAddress).some((t) => t.startsWith('SIP/2.0 200'))).toBe(true);
    // The next call goes straight to the backup.
    deliver(invite([], { branch: 'z9hG4bK-2' }).replace('call-1@', 'call-2@'), UAC);
    expect(sentTo(BACKUP.remoteAddress).length).toBe(2);
    expect(proxy.stats.failovers).toBe(1);
  });

  it('fails over on a 503 and answers 503 + Retry-After when the pair is out of service', () => {
    const { deliver, sentTo, proxy, transport } = setup();
    deliver(invite(), UAC);
    deliver(answer(sentTo(PRIMARY.remoteAddress)[0], 503), PRIMARY);
    const b = sentTo(BACKUP.remoteAddress).filter((t) => t.startsWith('INVITE'));
    expect(b.length).toBe(1);
    deliver(answer(b[0], 503), BACKUP);
    const final = sentTo(UAC.remoteAddress).filter((t) => / [2-6]\d\d /.test(t.slice(0, 14)));
    expect(final.at(-1)).toMatch(/^SIP\/2\.0 500 /); // §16.7: a 503 is not passed upstream
    expect(proxy.pairs.get('SIPServer_A')!.state).toBe('out-of-service');
    transport.clear();
    deliver(invite([], { branch: 'z9hG4bK-3' }).replace('call-1@', 'call-3@'), UAC);
    expect(transport.sent.at(-1)!.text).toMatch(/^SIP\/2\.0 503 /);
    expect(transport.sent.at(-1)!.text).toContain('Retry-After: 5');
  });

  it('CANCEL: 200 to the CANCEL, CANCEL downstream after a provisional, 487 relayed', () => {
    const { deliver, sentTo } = setup();
    deliver(invite(), UAC);
    const fwd = sentTo(PRIMARY.remoteAddress)[0];
    deliver(answer(fwd, 180), PRIMARY);
    deliver(invite([], { method: 'CANCEL' }), UAC);
    expect(sentTo(UAC.remoteAddress).some((t) => t.startsWith('SIP/2.0 200') && t.includes('CANCEL'))).toBe(true);
    const cancel = sentTo(PRIMARY.remoteAddress).find((t) => t.startsWith('CANCEL'));
    expect(cancel).toBeDefined();
    const branch = /branch=([^\s;]+)/.exec(fwd)![1];
    expect(cancel).toContain(branch);
    deliver(answer(fwd, 487), PRIMARY);
    expect(sentTo(UAC.remoteAddress).some((t) => t.startsWith('SIP/2.0 487'))).toBe(true);
  });

  it('overload-ctrl-dialog-rate: INVITEs over the rate get 503, and the rate applies live', () => {
    const { deliver, transport, proxy } = setup({ overloadDialogRate: 2 });
    for (let i = 0; i < 4; i++) deliver(invite([], { branch: `z9hG4bK-o${i}` }).replace('call-1@', `call-o${i}@`), UAC);
    const codes = transport.sent.filter((s) => s.destination.host === UAC.remoteAddress).map((s) => s.text.slice(8, 11));
    expect(codes).toEqual(['503', '503']);
    expect(proxy.stats.rejectedOverload).toBe(2);
    proxy.applyLive({ ...proxy.config, overloadDialogRate: 0 });
    deliver(invite([], { branch: 'z9hG4bK-o9' }).replace('call-1@', 'call-o9@'), UAC);
    expect(proxy.stats.rejectedOverload).toBe(2);
  });

  it('a request from the backup makes it active; OPTIONS probes go out every oos-check', () => {
    const { deliver, proxy, timers, sentTo } = setup({ oosCheckS: 5 });
    timers.advance(10);
    expect(sentTo(PRIMARY.remoteAddress).filter((t) => t.startsWith('OPTIONS')).length).toBe(1);
    deliver(
      invite([], { method: 'INVITE', uri: 'sip:1000@10.0.0.50:5062' }).replace('10.0.0.50:5062;branch', '10.0.0.11:5070;branch'),
      BACKUP,
    );
    expect(proxy.pairs.get('SIPServer_A')!.state).toBe('backup-active');
    expect(sentTo(UAC.remoteAddress).filter((t) => t.startsWith('INVITE')).length).toBe(1);
  });

  it('record-routes twice when the transport changes between the sides (UDP in, TCP out)', () => {
    const { deliver, transport } = setup({ extensions: [{ number: '1001', contact: '10.0.0.60:5090;transport=tcp' }] });
    deliver(invite([], { uri: 'sip:1001@10.0.0.1:5060' }).replace('10.0.0.50:5062;branch', '10.0.0.10:5070;branch'), PRIMARY);
    const out = transport.sent.find((s) => s.destination.host === '10.0.0.60')!;
    expect(out.destination).toMatchObject({ transport: 'tcp', port: 5090 });
    expect(out.text).toMatch(/Record-Route: <sip:10\.0\.0\.1:5060;transport=tcp;lr>\r\nRecord-Route: <sip:10\.0\.0\.1:5060;lr>\r\n/);
    expect(out.text).toMatch(/\r\nVia: SIP\/2\.0\/TCP 10\.0\.0\.1:5060;branch=/);
  });

  it('Timer C: no final response 3 minutes after a provisional -> CANCEL downstream, the 487 goes upstream', () => {
    const { deliver, sentTo, timers } = setup({ timerCMs: 185_000 });
    deliver(invite(), UAC);
    const fwd = sentTo(PRIMARY.remoteAddress)[0];
    deliver(answer(fwd, 180), PRIMARY);
    timers.advance(185_001);
    const cancel = sentTo(PRIMARY.remoteAddress).find((t) => t.startsWith('CANCEL'));
    expect(cancel).toBeDefined();
    deliver(answer(fwd, 487), PRIMARY);
    expect(sentTo(UAC.remoteAddress).some((t) => t.startsWith('SIP/2.0 487'))).toBe(true);
  });

  it('applies changed HA pair addresses live; an unchanged pair keeps its monitor and history', () => {
    const { proxy, deliver, sentTo } = setup();
    const before = proxy.pairs.get('SIPServer_A')!;
    proxy.applyLive({ ...proxy.config });
    expect(proxy.pairs.get('SIPServer_A')).toBe(before);
    proxy.applyLive({
      ...proxy.config,
      pairs: [{ name: 'SIPServer_A', primary: { name: 'SIPServer_A', host: '10.0.0.20', port: 5070, transport: 'udp' } }],
    });
    expect(proxy.pairs.get('SIPServer_A')).not.toBe(before);
    deliver(invite(), UAC);
    expect(sentTo('10.0.0.20').length).toBe(1);
  });
});

describe('ProxyCore: a finished call keeps only what retransmissions need', () => {
  it('2xx: the context is released; INVITE retransmissions absorbed, 2xx retransmissions relayed, ACK and BYE (+ its retransmission) handled', () => {
    const { deliver, sentTo, timers, proxy, tl } = setup();
    deliver(invite(), UAC);
    const fwd = sentTo(PRIMARY.remoteAddress)[0];
    deliver(answer(fwd, 180), PRIMARY);
    deliver(answer(fwd, 200), PRIMARY);
    const ist = tl.findServerTransaction(parse(invite()) as SipRequest)!;
    expect(ist.state).toBe('accepted');
    expect(ist.user).toBe(proxy.finishedUser);
    expect(() => ist.request).toThrow(/released/);
    expect(proxy.stats.activeContexts).toBe(1);
    // The client transaction (Timer M) no longer holds the branch and its context, only a 2xx relay.
    const ict = tl.findClientTransaction((parse(fwd) as SipRequest).topVia()!.branch!, 'INVITE')!;
    expect(ict.state).toBe('accepted');
    expect(ict.user).toBeDefined();
    expect(ict.user).not.toBeInstanceOf(Branch);
    // The UAC did not see the 200 and retransmits its INVITE: absorbed, not forwarded again (RFC 6026 §7.1).
    deliver(invite(), UAC);
    expect(sentTo(PRIMARY.remoteAddress).filter((t) => t.startsWith('INVITE'))).toHaveLength(1);
    // The UAS retransmits its 200: relayed upstream through the Accepted transactions (RFC 6026 §7.2).
    deliver(answer(fwd, 200), PRIMARY);
    const up = sentTo(UAC.remoteAddress).filter((t) => t.startsWith('SIP/2.0 200'));
    expect(up).toHaveLength(2);
    expect(up[1]).toBe(up[0]);
    // A 2xx from another fork of the callee is relayed too (§16.7 step 5).
    deliver(answer(fwd, 200, 'uas2'), PRIMARY);
    expect(sentTo(UAC.remoteAddress).filter((t) => t.startsWith('SIP/2.0 200') && t.includes('tag=uas2'))).toHaveLength(1);
    // A CANCEL after the final response: 200, nothing goes downstream.
    deliver(invite([], { method: 'CANCEL' }), UAC);
    expect(sentTo(PRIMARY.remoteAddress).some((t) => t.startsWith('CANCEL'))).toBe(false);
    // The 2xx ACK (new branch) is forwarded statelessly.
    deliver(
      invite(['Route: <sip:10.0.0.1:5060;lr>'], { method: 'ACK', uri: 'sip:2000@10.0.0.10:5070', toTag: 'uas1', branch: 'z9hG4bK-ack' }),
      UAC,
    );
    expect(sentTo(PRIMARY.remoteAddress).filter((t) => t.startsWith('ACK'))).toHaveLength(1);
    // BYE: forwarded once; its retransmission after the 200 is answered from the Completed transaction.
    const bye = invite(['Route: <sip:10.0.0.1:5060;lr>'], {
      method: 'BYE',
      uri: 'sip:2000@10.0.0.10:5070',
      toTag: 'uas1',
      branch: 'z9hG4bK-bye',
    }).replace('CSeq: 1 BYE', 'CSeq: 2 BYE');
    deliver(bye, UAC);
    const byeFwd = sentTo(PRIMARY.remoteAddress).filter((t) => t.startsWith('BYE'));
    expect(byeFwd).toHaveLength(1);
    deliver(answer(byeFwd[0], 200), PRIMARY);
    timers.advance(1000);
    deliver(bye, UAC);
    expect(sentTo(PRIMARY.remoteAddress).filter((t) => t.startsWith('BYE'))).toHaveLength(1);
    const byeOk = sentTo(UAC.remoteAddress).filter((t) => t.startsWith('SIP/2.0 200') && t.includes('BYE'));
    expect(byeOk).toHaveLength(2);
    expect(byeOk[1]).toBe(byeOk[0]);
    // Timers L/M/J/K: everything ends and the context count goes back to zero.
    timers.advance(40_000);
    expect(tl.stats().serverTransactions).toBe(0);
    expect(tl.stats().clientTransactions).toBe(0);
    expect(proxy.stats.activeContexts).toBe(0);
  });

  it('non-2xx: the final response is resent to INVITE retransmissions, the ACK to the 486 is resent to its retransmission', () => {
    const { deliver, sentTo, timers, proxy } = setup();
    deliver(invite(), UAC);
    const fwd = sentTo(PRIMARY.remoteAddress)[0];
    deliver(answer(fwd, 486), PRIMARY);
    const busy = sentTo(UAC.remoteAddress).filter((t) => t.startsWith('SIP/2.0 486'));
    expect(busy).toHaveLength(1);
    const acks = () => sentTo(PRIMARY.remoteAddress).filter((t) => t.startsWith('ACK'));
    expect(acks()).toHaveLength(1);
    deliver(answer(fwd, 486), PRIMARY); // the UAS did not get our ACK
    expect(acks()).toHaveLength(2);
    expect(acks()[1]).toBe(acks()[0]);
    deliver(invite(), UAC); // the UAC did not get the 486
    const busy2 = sentTo(UAC.remoteAddress).filter((t) => t.startsWith('SIP/2.0 486'));
    expect(busy2.length).toBeGreaterThanOrEqual(2);
    expect(new Set(busy2).size).toBe(1);
    expect(sentTo(PRIMARY.remoteAddress).filter((t) => t.startsWith('INVITE'))).toHaveLength(1);
    deliver(invite(['Route: <sip:10.0.0.1:5060;lr>'], { method: 'ACK', toTag: 'uas1' }), UAC); // ACK for the 486: absorbed
    expect(acks()).toHaveLength(2);
    timers.advance(40_000);
    expect(proxy.stats.activeContexts).toBe(0);
  });
});
