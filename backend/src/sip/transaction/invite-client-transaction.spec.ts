import { beforeEach, describe, expect, it } from 'vitest';
import type { SipResponse } from '../message/index.js';
import type { Destination } from '../transport/types.js';
import { FakeTimers } from './timer-wheel.js';
import { TransactionLayer } from './transaction-layer.js';
import type { ClientTransaction, ClientTransactionUser } from './transaction-types.js';
import { FakeTransport, request, response } from '../../../test/support/transaction-kit.js';

const UDP: Destination = { transport: 'udp', host: '192.0.2.20', port: 5060 };
const TCP: Destination = { transport: 'tcp', host: '192.0.2.20', port: 5060 };
const BRANCH = 'z9hG4bKict1';

class User implements ClientTransactionUser {
  events: string[] = [];
  constructor(private readonly clock: { now(): number }) {}
  onProvisional(r: SipResponse): void {
    this.events.push(`prov ${r.status}@${this.clock.now()}`);
  }
  onFinal(r: SipResponse): void {
    this.events.push(`final ${r.status}@${this.clock.now()}`);
  }
  onTimeout(): void {
    this.events.push(`timeout@${this.clock.now()}`);
  }
  onTransportError(e: Error): void {
    this.events.push(`error ${e.message}`);
  }
  onTerminated(tx: ClientTransaction): void {
    this.events.push(`terminated@${this.clock.now()} ${tx.state}`);
  }
}

describe('INVITE client transaction (RFC 3261 §17.1.1, RFC 6026)', () => {
  let timers: FakeTimers;
  let transport: FakeTransport;
  let layer: TransactionLayer;
  let user: User;
  const invite = () =>
    request({
      method: 'INVITE',
      branch: BRANCH,
      sentBy: '192.0.2.1:5060',
      extra: ['Route: <sip:p1.example.com;lr>', 'Route: <sip:p2.example.com;lr>'],
    });

  beforeEach(() => {
    timers = new FakeTimers();
    transport = new FakeTransport(() => timers.now());
    layer = new TransactionLayer(transport, { timers });
    user = new User(timers);
  });

  it('UDP: Timer A retransmits at T1, 2T1, 4T1, ... and Timer B times out at 64*T1', () => {
    const tx = layer.sendRequest(invite(), UDP, user);
    expect(tx.state).toBe('calling');
    timers.advance(64 * 500 - 1);
    expect(transport.times()).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(user.events).toEqual([]);
    timers.advance(1);
    expect(user.events).toEqual(['timeout@32000', 'terminated@32000 terminated']);
    expect(layer.stats().clientTransactions).toBe(0);
    timers.advance(100_000);
    expect(transport.sent).toHaveLength(7);
  });

  it('honours configured T1', () => {
    layer = new TransactionLayer(transport, { timers, config: { t1: 100 } });
    layer.sendRequest(invite(), UDP, user);
    timers.advance(6400);
    expect(transport.times()).toEqual([0, 100, 300, 700, 1500, 3100, 6300]);
    expect(user.events[0]).toBe('timeout@6400');
  });

  it('TCP: no retransmissions, Timer B still fires at 64*T1', () => {
    layer.sendRequest(invite(), TCP, user);
    timers.advance(32000);
    expect(transport.times()).toEqual([0]);
    expect(user.events[0]).toBe('timeout@32000');
  });

  it('a provisional response stops retransmissions and Timer B (Proceeding)', () => {
    const tx = layer.sendRequest(invite(), UDP, user);
    timers.advance(600);
    transport.handler?.(response(180, { branch: BRANCH, toTag: 'tt' }), {
      transport: 'udp',
      remoteAddress: '192.0.2.20',
      remotePort: 5060,
      localAddress: '192.0.2.1',
      localPort: 5060,
    });
    expect(tx.state).toBe('proceeding');
    timers.advance(100_000);
    expect(transport.times()).toEqual([0, 500]);
    expect(user.events).toEqual(['prov 180@600']);
  });

  it('non-2xx final: builds the ACK (§17.1.1.3), resends it on retransmissions, Timer D = 32 s on UDP', () => {
    const tx = layer.sendRequest(invite(), UDP, user);
    timers.advance(100);
    const busy = response(486, { branch: BRANCH, toTag: 'uas-tag' });
    layer.receive(busy, { transport: 'udp', remoteAddress: '192.0.2.20', remotePort: 5060, localAddress: '192.0.2.1', localPort: 5060 });
    expect(tx.state).toBe('completed');
    expect(user.events).toEqual(['final 486@100']);
    const ack = transport.sent[1].text;
    expect(ack.startsWith('ACK sip:bob@example.com SIP/2.0\r\n')).toBe(true);
    expect(ack).toContain('Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKict1\r\n');
    expect(ack).toContain('tag=uas-tag');
    expect(ack).toContain('CSeq: 1 ACK\r\n');
    expect(ack.match(/^Route: /gm)).toHaveLength(2);
    expect(ack.match(/^Via: /gm)).toHaveLength(1);
    timers.advance(1000);
    layer.receive(busy, { transport: 'udp', remoteAddress: '192.0.2.20', remotePort: 5060, localAddress: '192.0.2.1', localPort: 5060 });
    expect(transport.startLines()).toEqual([
      'INVITE sip:bob@example.com SIP/2.0',
      'ACK sip:bob@example.com SIP/2.0',
      'ACK sip:bob@example.com SIP/2.0',
    ]);
    expect(user.events).toEqual(['final 486@100']); // retransmission absorbed
    timers.advance(32000 - 1000 - 1);
    expect(tx.state).toBe('completed');
    timers.advance(1);
    expect(tx.state).toBe('terminated');
  });

  it('non-2xx final over TCP: Timer D = 0, terminates at once', () => {
    const tx = layer.sendRequest(invite(), TCP, user);
    layer.receive(response(603, { branch: BRANCH, toTag: 'x' }), {
      transport: 'tcp',
      remoteAddress: '192.0.2.20',
      remotePort: 5060,
      localAddress: '192.0.2.1',
      localPort: 40000,
      connectionId: 'c',
    });
    expect(tx.state).toBe('terminated');
    expect(transport.startLines()[1]).toBe('ACK sip:bob@example.com SIP/2.0');
  });

  it('2xx: Accepted (RFC 6026), every 2xx reaches the TU, no ACK from the transaction, Timer M = 64*T1', () => {
    const tx = layer.sendRequest(invite(), UDP, user);
    const src = { transport: 'udp' as const, remoteAddress: '192.0.2.20', remotePort: 5060, localAddress: '192.0.2.1', localPort: 5060 };
    timers.advance(200);
    layer.receive(response(200, { branch: BRANCH, toTag: 'a' }), src);
    expect(tx.state).toBe('accepted');
    timers.advance(1000);
    layer.receive(response(200, { branch: BRANCH, toTag: 'a' }), src);
    layer.receive(response(200, { branch: BRANCH, toTag: 'fork-b' }), src);
    layer.receive(response(486, { branch: BRANCH, toTag: 'c' }), src); // not passed up in Accepted
    expect(user.events).toEqual(['final 200@200', 'final 200@1200', 'final 200@1200']);
    expect(transport.sent).toHaveLength(1);
    timers.advance(32000 - 1000 - 1);
    expect(tx.state).toBe('accepted');
    timers.advance(1);
    expect(tx.state).toBe('terminated');
    expect(layer.stats().clientTransactions).toBe(0);
  });

  it('a transport error is reported to the TU and terminates the transaction (§17.1.4)', () => {
    transport.failWith = new Error('ECONNREFUSED');
    const tx = layer.sendRequest(invite(), TCP, user);
    expect(tx.state).toBe('terminated');
    expect(user.events).toEqual(['error ECONNREFUSED', 'terminated@0 terminated']);
    timers.advance(64_000);
    expect(user.events).toHaveLength(2);
  });

  it('a transport error on a Timer A retransmission also terminates', () => {
    const tx = layer.sendRequest(invite(), UDP, user);
    transport.failWith = new Error('EHOSTUNREACH');
    timers.advance(500);
    expect(tx.state).toBe('terminated');
    expect(user.events[0]).toBe('error EHOSTUNREACH');
    expect(timers.size).toBe(0);
  });
});

describe('client transactions and connection loss (§17.1.4)', () => {
  it('a dropped TCP connection fails INVITE (Proceeding) and non-INVITE client transactions on it', () => {
    const timers = new FakeTimers();
    const transport = new FakeTransport(() => timers.now());
    const layer = new TransactionLayer(transport, { timers });
    const errors: string[] = [];
    const user: ClientTransactionUser = { onTransportError: (e, tx) => errors.push(`${tx.kind} ${e.message}`) };
    const dest = { transport: 'tcp' as const, host: '192.0.2.20', port: 5060, connectionId: 'tcp-9' };
    const ict = layer.sendRequest(request({ method: 'INVITE', branch: 'z9hG4bKc1' }), dest, user);
    const nict = layer.sendRequest(request({ method: 'OPTIONS', branch: 'z9hG4bKc2' }), dest, user);
    const other = layer.sendRequest(request({ method: 'OPTIONS', branch: 'z9hG4bKc3' }), { ...dest, connectionId: 'tcp-10' }, user);
    layer.receive(response(180, { branch: 'z9hG4bKc1' }), {
      transport: 'tcp',
      remoteAddress: '192.0.2.20',
      remotePort: 5060,
      localAddress: '192.0.2.1',
      localPort: 40000,
      connectionId: 'tcp-9',
    });
    expect(ict.connectionId).toBe('tcp-9');
    transport.closeHandler?.({ id: 'tcp-9' }, undefined);
    expect(errors).toEqual(['ict connection tcp-9 closed', 'nict connection tcp-9 closed']);
    expect(ict.state).toBe('terminated');
    expect(nict.state).toBe('terminated');
    expect(other.state).toBe('trying');
  });
});
