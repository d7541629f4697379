import { beforeEach, describe, expect, it } from 'vitest';
import type { SipResponse } from '../message/index.js';
import type { Destination, MessageSource } from '../transport/types.js';
import { FakeTimers } from './timer-wheel.js';
import { TransactionLayer } from './transaction-layer.js';
import type { ClientTransactionUser } from './transaction-types.js';
import { FakeTransport, request, response } from '../../../test/support/transaction-kit.js';

const UDP: Destination = { transport: 'udp', host: '192.0.2.20', port: 5060 };
const TCP: Destination = { transport: 'tcp', host: '192.0.2.20', port: 5060 };
const SRC: MessageSource = { transport: 'udp', remoteAddress: '192.0.2.20', remotePort: 5060, localAddress: '192.0.2.1', localPort: 5060 };
const BRANCH = 'z9hG4bKnict1';

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  let timers: FakeTimers;
  let transport: FakeTransport;
  let layer: TransactionLayer;
  let events: string[];
  let user: ClientTransactionUser;
  const options = () => request({ method: 'OPTIONS', branch: BRANCH });

  beforeEach(() => {
    timers = new FakeTimers();
    transport = new FakeTransport(() => timers.now());
    layer = new TransactionLayer(transport, { timers });
    events = [];
    user = {
      onProvisional: (r: SipResponse) => events.push(`prov ${r.status}@${timers.now()}`),
      onFinal: (r: SipResponse) => events.push(`final ${r.status}@${timers.now()}`),
      onTimeout: () => events.push(`timeout@${timers.now()}`),
      onTerminated: () => events.push(`terminated@${timers.now()}`),
    };
  });

  it('UDP: Timer E doubles from T1 up to T2, Timer F times out at 64*T1', () => {
    layer.sendRequest(options(), UDP, user);
    timers.advance(31999);
    // 500, 1000, 2000, 4000 then capped at T2 = 4000
    expect(transport.times()).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    timers.advance(1);
    expect(events).toEqual(['timeout@32000', 'terminated@32000']);
  });

  it('honours configured T2', () => {
    layer = new TransactionLayer(transport, { timers, config: { t2: 1000 } });
    layer.sendRequest(options(), UDP, user);
    timers.advance(5000);
    expect(transport.times()).toEqual([0, 500, 1500, 2500, 3500, 4500]);
  });

  it('Proceeding: Timer E continues at T2', () => {
    const tx = layer.sendRequest(options(), UDP, user);
    timers.advance(100);
    layer.receive(response(100, { branch: BRANCH, method: 'OPTIONS' }), SRC);
    expect(tx.state).toBe('proceeding');
    timers.advance(12000 - 100);
    expect(transport.times()).toEqual([0, 500, 4500, 8500]);
    timers.advance(20000);
    expect(events).toEqual(['prov 100@100', 'timeout@32000', 'terminated@32000']);
  });

  it('final response: Completed, retransmissions absorbed, Timer K = T4 on UDP', () => {
    const tx = layer.sendRequest(options(), UDP, user);
    timers.advance(700);
    layer.receive(response(200, { branch: BRANCH, method: 'OPTIONS' }), SRC);
    expect(tx.state).toBe('completed');
    layer.receive(response(200, { branch: BRANCH, method: 'OPTIONS' }), SRC);
    timers.advance(4999);
    expect(tx.state).toBe('completed');
    expect(transport.sent).toHaveLength(2); // original + one retransmission at 500
    timers.advance(1);
    expect(events).toEqual(['final 200@700', 'terminated@5700']);
  });

  it('TCP: no Timer E, Timer K = 0', () => {
    const tx = layer.sendRequest(options(), TCP, user);
    timers.advance(10_000);
    expect(transport.sent).toHaveLength(1);
    layer.receive(response(404, { branch: BRANCH, method: 'OPTIONS' }), { ...SRC, transport: 'tcp' });
    expect(tx.state).toBe('terminated');
    expect(events).toEqual(['final 404@10000', 'terminated@10000']);
  });

  it('TCP: Timer F still fires at 64*T1', () => {
    layer.sendRequest(options(), TCP, user);
    timers.advance(32000);
    expect(events).toEqual(['timeout@32000', 'terminated@32000']);
  });

  it('a response for another method with the same branch does not match (§17.1.3)', () => {
    const tx = layer.sendRequest(options(), UDP, user);
    const stray: string[] = [];
    layer.onStrayResponse((r) => stray.push(`${r.status} ${r.cseq().method}`));
    layer.receive(response(200, { branch: BRANCH, method: 'CANCEL' }), SRC);
    layer.receive(response(200, { branch: 'z9hG4bKother', method: 'OPTIONS' }), SRC);
    expect(tx.state).toBe('trying');
    expect(stray).toEqual(['200 CANCEL', '200 OPTIONS']);
  });

  it('transport error: reported and terminated', () => {
    const errors: string[] = [];
    transport.failWith = new Error('boom');
    const tx = layer.sendRequest(options(), UDP, { onTransportError: (e) => errors.push(e.message) });
    expect(errors).toEqual(['boom']);
    expect(tx.state).toBe('terminated');
    expect(timers.size).toBe(0);
  });
});
