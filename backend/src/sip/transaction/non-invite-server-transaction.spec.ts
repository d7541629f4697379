import { beforeEach, describe, expect, it } from 'vitest';
import { createResponse } from '../message/index.js';
import type { SipRequest } from '../message/index.js';
import { FakeTimers } from './timer-wheel.js';
import { TransactionLayer } from './transaction-layer.js';
import type { ServerTransaction } from './transaction-types.js';
import { FakeTransport, TCP_SOURCE, UDP_SOURCE, request } from '../../../test/support/transaction-kit.js';

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  let timers: FakeTimers;
  let transport: FakeTransport;
  let layer: TransactionLayer;
  let txs: ServerTransaction[];
  let reqs: SipRequest[];
  let events: string[];
  const register = (transport = 'UDP') => request({ method: 'REGISTER', branch: 'z9hG4bKnist1', transport });
  // The TU keeps the request it answers: the transaction releases its own with the final response.
  const respond = (status: number) => txs[0].respond(createResponse(reqs[0], status, undefined, 'reg'));

  beforeEach(() => {
    timers = new FakeTimers();
    transport = new FakeTransport(() => timers.now());
    layer = new TransactionLayer(transport, { timers });
    txs = [];
    reqs = [];
    events = [];
    layer.onRequest((tx) => {
      txs.push(tx);
      reqs.push(tx.request);
      tx.user = { onTerminated: () => events.push(`terminated@${timers.now()}`) };
    });
  });

  it('Trying: retransmissions are absorbed and not passed to the TU', () => {
    layer.receive(register(), UDP_SOURCE);
    layer.receive(register(), UDP_SOURCE);
    expect(txs).toHaveLength(1);
    expect(transport.sent).toHaveLength(0);
    expect(txs[0].state).toBe('trying');
    expect(layer.stats().requestsMatched).toBe(1);
  });

  it('Proceeding: retransmission resends the provisional response', () => {
    layer.receive(register(), UDP_SOURCE);
    respond(100);
    expect(txs[0].state).toBe('proceeding');
    layer.receive(register(), UDP_SOURCE);
    expect(transport.startLines()).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 100 Trying']);
  });

  it('Completed: retransmission resends the final response; Timer J = 64*T1 on UDP', () => {
    layer.receive(register(), UDP_SOURCE);
    timers.advance(10);
    respond(200);
    expect(txs[0].state).toBe('completed');
    timers.advance(1000);
    layer.receive(register(), UDP_SOURCE);
    expect(transport.startLines()).toEqual(['SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
    respond(500); // ignored after the final response
    expect(transport.sent).toHaveLength(2);
    timers.advance(32000 - 1000 - 1);
    expect(txs[0].state).toBe('completed');
    timers.advance(1);
    expect(events).toEqual(['terminated@32010']);
    // Now a retransmission creates a new transaction (the TU sees it again).
    layer.receive(register(), UDP_SOURCE);
    expect(txs).toHaveLength(2);
  });

  it('TCP: Timer J = 0', () => {
    layer.receive(register('TCP'), TCP_SOURCE);
    respond(200);
    expect(txs[0].state).toBe('terminated');
    expect(events).toEqual(['terminated@0']);
  });

  it('never sends 100 Trying on its own', () => {
    layer.receive(register(), UDP_SOURCE);
    timers.advance(10_000);
    expect(transport.sent).toHaveLength(0);
  });
});
