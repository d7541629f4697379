import { beforeEach, describe, expect, it } from 'vitest';
import { createResponse } from '../message/index.js';
import type { SipRequest } from '../message/index.js';
import { FakeTimers } from './timer-wheel.js';
import { TransactionLayer } from './transaction-layer.js';
import type { ServerTransaction } from './transaction-types.js';
import { FakeTransport, TCP_SOURCE, UDP_SOURCE, request } from '../../../test/support/transaction-kit.js';

const BRANCH = 'z9hG4bKist1';

describe('INVITE server transaction (RFC 3261 §17.2.1, RFC 6026)', () => {
  let timers: FakeTimers;
  let transport: FakeTransport;
  let layer: TransactionLayer;
  let txs: ServerTransaction[];
  let reqs: SipRequest[];
  let events: string[];
  const invite = (transport = 'UDP') => request({ method: 'INVITE', branch: BRANCH, transport });
  const ack = (toTag = 'uas', branch = BRANCH) => request({ method: 'ACK', branch, toTag });

  const setup = (config: { trying100Delay?: number } = {}) => {
    timers = new FakeTimers();
    transport = new FakeTransport(() => timers.now());
    layer = new TransactionLayer(transport, { timers, config });
    txs = [];
    reqs = [];
    events = [];
    layer.onRequest((tx) => {
      txs.push(tx);
      reqs.push(tx.request);
      tx.user = {
        onAck: (a: SipRequest) => events.push(`ack ${a.method}@${timers.now()}`),
        onTimeout: () => events.push(`timeout@${timers.now()}`),
        onTerminated: () => events.push(`terminated@${timers.now()}`),
        onTransportError: (e) => events.push(`error ${e.message}`),
      };
    });
    layer.onAck((a) => events.push(`stray-ack ${a.topVia()?.branch}`));
  };
  beforeEach(() => setup({ trying100Delay: -1 }));

  // The TU keeps the request it answers: the transaction releases its own with the final response.
  const respond = (status: number, tag = 'uas') => txs[0].respond(createResponse(reqs[0], status, undefined, tag));

  it('sends 100 Trying after 200 ms if the TU is silent (§17.2.1)', () => {
    setup();
    layer.receive(invite(), UDP_SOURCE);
    timers.advance(199);
    expect(transport.sent).toHaveLength(0);
    timers.advance(1);
    expect(transport.startLines()).toEqual(['SIP/2.0 100 Trying']);
  });

  it('no automatic 100 when the TU answers within 200 ms; 0 = immediate', () => {
    setup();
    layer.receive(invite(), UDP_SOURCE);
    timers.advance(50);
    respond(180);
    timers.advance(1000);
    expect(transport.startLines()).toEqual(['SIP/2.0 180 Ringing']);
    setup({ trying100Delay: 0 });
    layer.receive(invite(), UDP_SOURCE);
    expect(transport.startLines()).toEqual(['SIP/2.0 100 Trying']);
  });

  it('Proceeding: an INVITE retransmission resends the last provisional response', () => {
    layer.receive(invite(), UDP_SOURCE);
    layer.receive(invite(), UDP_SOURCE); // nothing sent yet: absorbed
    respond(180);
    layer.receive(invite(), UDP_SOURCE);
    expect(transport.startLines()).toEqual(['SIP/2.0 180 Ringing', 'SIP/2.0 180 Ringing']);
    expect(txs).toHaveLength(1);
    expect(transport.sent[0].destination).toEqual({
      transport: 'udp',
      host: '192.0.2.10',
      port: 5060,
      localAddress: '192.0.2.1',
      localPort: 5060,
    });
  });

  it('UDP non-2xx: Timer G retransmits T1, 2T1.. capped at T2; Timer H at 64*T1 informs the TU', () => {
    layer.receive(invite(), UDP_SOURCE);
    respond(486);
    expect(txs[0].state).toBe('completed');
    timers.advance(31999);
    expect(transport.times()).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    timers.advance(1);
    expect(events).toEqual(['timeout@32000', 'terminated@32000']);
    expect(layer.stats().serverTransactions).toBe(0);
  });

  it('Completed: an INVITE retransmission resends the final response', () => {
    layer.receive(invite(), UDP_SOURCE);
    respond(404);
    timers.advance(100);
    layer.receive(invite(), UDP_SOURCE);
    expect(transport.times()).toEqual([0, 100]);
  });

  it('ACK: Confirmed, retransmissions stop, Timer I = T4 on UDP; later ACKs absorbed', () => {
    layer.receive(invite(), UDP_SOURCE);
    respond(486);
    timers.advance(600);
    layer.receive(ack(), UDP_SOURCE);
    expect(txs[0].state).toBe('confirmed');
    layer.receive(ack(), UDP_SOURCE);
    timers.advance(4999);
    expect(txs[0].state).toBe('confirmed');
    expect(transport.times()).toEqual([0, 500]);
    timers.advance(1);
    expect(events).toEqual(['terminated@5600']);
    // After termination an ACK retransmission no longer matches: it is a stray ACK for the TU/proxy.
    layer.receive(ack(), UDP_SOURCE);
    expect(events[1]).toBe(`stray-ack ${BRANCH}`);
  });

  it('TCP: no Timer G, Timer I = 0, Timer H still 64*T1', () => {
    layer.receive(invite('TCP'), TCP_SOURCE);
    respond(500);
    timers.advance(10_000);
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0].destination).toEqual({ transport: 'tcp', host: '192.0.2.10', port: 5060, connectionId: 'tcp-1' });
    layer.receive(ack(), TCP_SOURCE);
    expect(txs[0].state).toBe('terminated');
    setup({ trying100Delay: -1 });
    layer.receive(invite('TCP'), TCP_SOURCE);
    respond(500);
    timers.advance(32000);
    expect(events).toEqual(['timeout@32000', 'terminated@32000']);
  });

  it('2xx: Accepted (RFC 6026): INVITE retransmissions absorbed, TU 2xx retransmissions sent, matching ACK to TU, Timer L', () => {
    layer.receive(invite(), UDP_SOURCE);
    respond(200);
    expect(txs[0].state).toBe('accepted');
    layer.receive(invite(), UDP_SOURCE);
    expect(transport.sent).toHaveLength(1);
    timers.advance(500);
    respond(200); // TU retransmits its 2xx (§13.3.1.4)
    respond(486); // not allowed any more: ignored
    expect(transport.startLines()).toEqual(['SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
    layer.receive(ack(), UDP_SOURCE);
    expect(events).toEqual(['ack ACK@500']);
    layer.receive(ack('uas', 'z9hG4bKnewbranch'), UDP_SOURCE); // a UA's 2xx ACK is a new transaction
    expect(events[1]).toBe('stray-ack z9hG4bKnewbranch');
    timers.advance(32000 - 500 - 1);
    expect(txs[0].state).toBe('accepted');
    timers.advance(1);
    expect(txs[0].state).toBe('terminated');
  });

  it('a transport error on a response is reported to the TU and terminates', () => {
    layer.receive(invite(), UDP_SOURCE);
    transport.failWith = new Error('EHOSTUNREACH');
    respond(486);
    expect(events).toEqual(['error EHOSTUNREACH', 'terminated@0']);
    expect(timers.size).toBe(0);
  });
});
