import { describe, expect, it } from 'vitest';
import { createResponse } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { Destination } from '../transport/types.js';
import { detach, retainBytes, retainedBuffer } from './retain.js';
import { FakeTimers } from './timer-wheel.js';
import { TransactionLayer } from './transaction-layer.js';
import type { ServerTransaction } from './transaction-types.js';
import { FakeTransport, UDP_SOURCE, request, response } from '../../../test/support/transaction-kit.js';

/**
 * After the final response a transaction keeps only what RFC 3261 §17 needs to absorb or answer retransmissions
 * (the serialized response or ACK, the key, the destination): the parsed messages are released, and the
 * retransmission behaviour is unchanged.
 */
function serverSetup() {
  const timers = new FakeTimers();
  const transport = new FakeTransport(() => timers.now());
  const layer = new TransactionLayer(transport, { timers, config: { trying100Delay: -1 } });
  const txs: ServerTransaction[] = [];
  const reqs: SipRequest[] = [];
  const acks: string[] = [];
  layer.onRequest((tx) => {
    txs.push(tx);
    reqs.push(tx.request);
    tx.user = { onAck: (a) => acks.push(a.method) };
  });
  return { timers, transport, layer, txs, reqs, acks };
}

const UDP: Destination = { transport: 'udp', host: '192.0.2.20', port: 5060 };

describe('finished transactions keep only what retransmissions need (RFC 3261 §17)', () => {
  it('INVITE server, non-2xx: request released; Timer G and a retransmitted INVITE resend the same bytes; the ACK still confirms', () => {
    const { timers, transport, layer, txs, reqs } = serverSetup();
    layer.receive(request({ method: 'INVITE', branch: 'z9hG4bKr1' }), UDP_SOURCE);
    txs[0].respond(createResponse(reqs[0], 486, 'Busy Here', 'uas'));
    expect(txs[0].state).toBe('completed');
    expect(() => txs[0].request).toThrow(expect.objectContaining({ name: 'TransactionError', code: 'REQUEST_RELEASED' }));
    expect(txs[0].lastStatus).toBe(486);
    const first = transport.sent[0].text;
    timers.advance(500); // Timer G
    layer.receive(request({ method: 'INVITE', branch: 'z9hG4bKr1' }), UDP_SOURCE); // retransmission
    expect(transport.sent.map((s) => s.text)).toEqual([first, first, first]);
    expect(txs).toHaveLength(1);
    // A second final from the TU is ignored, not an error.
    txs[0].respond(createResponse(reqs[0], 500, undefined, 'uas'));
    expect(transport.sent).toHaveLength(3);
    layer.receive(request({ method: 'ACK', branch: 'z9hG4bKr1', toTag: 'uas' }), UDP_SOURCE);
    expect(txs[0].state).toBe('confirmed');
    layer.receive(request({ method: 'INVITE', branch: 'z9hG4bKr1' }), UDP_SOURCE); // absorbed while Confirmed
    expect(transport.sent).toHaveLength(3);
    timers.advance(5000); // Timer I
    expect(txs[0].state).toBe('terminated');
    expect(txs[0].user).toBeUndefined();
  });

  it('INVITE server, 2xx: request released; retransmitted INVITEs absorbed, TU 2xx retransmissions sent, ACK passed to the TU', () => {
    const { timers, transport, layer, txs, reqs, acks } = serverSetup();
    layer.receive(request({ method: 'INVITE', branch: 'z9hG4bKr2' }), UDP_SOURCE);
    const ok = createResponse(reqs[0], 200, 'OK', 'uas');
    txs[0].respond(ok);
    expect(txs[0].state).toBe('accepted');
    expect(() => txs[0].request).toThrow(/released/);
    layer.receive(request({ method: 'INVITE', branch: 'z9hG4bKr2' }), UDP_SOURCE);
    expect(transport.sent).toHaveLength(1);
    txs[0].respond(ok);
    expect(transport.startLines()).toEqual(['SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
    layer.receive(request({ method: 'ACK', branch: 'z9hG4bKr2', toTag: 'uas' }), UDP_SOURCE);
    expect(acks).toEqual(['ACK']);
    timers.advance(32000); // Timer L
    expect(layer.stats().serverTransactions).toBe(0);
  });

  it('non-INVITE server: request released in Completed; each retransmission gets the same final response until Timer J', () => {
    const { timers, transport, layer, txs, reqs } = serverSetup();
    layer.receive(request({ method: 'BYE', branch: 'z9hG4bKr3', toTag: 'dlg' }), UDP_SOURCE);
    txs[0].respond(createResponse(reqs[0], 200, 'OK'));
    expect(() => txs[0].request).toThrow(/released/);
    for (let i = 0; i < 3; i++) {
      timers.advance(1000);
      layer.receive(request({ method: 'BYE', branch: 'z9hG4bKr3', toTag: 'dlg' }), UDP_SOURCE);
    }
    expect(new Set(transport.sent.map((s) => s.text)).size).toBe(1);
    expect(transport.sent).toHaveLength(4);
    expect(txs).toHaveLength(1);
    timers.advance(32000);
    expect(txs[0].state).toBe('terminated');
  });

  it('RFC 2543 keys still match the ACK by the response To tag after release (§17.2.3)', () => {
    const { layer, txs, reqs } = serverSetup();
    const legacy = (o: { method?: string; toTag?: string } = {}) =>
      request({ method: o.method ?? 'INVITE', branch: '', sentBy: '192.0.2.10:5060', ...(o.toTag ? { toTag: o.toTag } : {}) });
    layer.receive(legacy(), UDP_SOURCE);
    txs[0].respond(createResponse(reqs[0], 404, undefined, 'lt'));
    layer.receive(legacy(), UDP_SOURCE); // retransmission: same transaction
    expect(txs).toHaveLength(1);
    layer.receive(legacy({ method: 'ACK', toTag: 'other' }), UDP_SOURCE);
    expect(txs[0].state).toBe('completed');
    layer.receive(legacy({ method: 'ACK', toTag: 'lt' }), UDP_SOURCE);
    expect(txs[0].state).toBe('confirmed');
  });

  it('INVITE client, non-2xx: request released; each retransmitted final response gets the same ACK until Timer D', () => {
    const timers = new FakeTimers();
    const transport = new FakeTransport(() => timers.now());
    const layer = new TransactionLayer(transport, { timers });
    const finals: number[] = [];
    const tx = layer.sendRequest(request({ method: 'INVITE', branch: 'z9hG4bKc1' }), UDP, {
      onFinal: (r: SipResponse) => finals.push(r.status),
    });
    layer.receive(response(180, { branch: 'z9hG4bKc1', toTag: 'b' }), UDP_SOURCE);
    layer.receive(response(486, { branch: 'z9hG4bKc1', toTag: 'b' }), UDP_SOURCE);
    expect(tx.state).toBe('completed');
    expect(() => tx.request).toThrow(/released/);
    layer.receive(response(486, { branch: 'z9hG4bKc1', toTag: 'b' }), UDP_SOURCE);
    layer.receive(response(486, { branch: 'z9hG4bKc1', toTag: 'b' }), UDP_SOURCE);
    const acks = transport.sent.slice(1).map((s) => s.text);
    expect(acks).toHaveLength(3);
    expect(acks[0]).toMatch(/^ACK sip:bob@example.com SIP\/2.0\r\n/);
    expect(acks[0]).toContain('To: <sip:bob@example.com>;tag=b\r\n');
    expect(new Set(acks).size).toBe(1);
    expect(finals).toEqual([486]);
    timers.advance(32000); // Timer D
    expect(tx.state).toBe('terminated');
  });

  it('INVITE client, 2xx: request released; further 2xx still reach the TU while Accepted (RFC 6026 §7.2)', () => {
    const timers = new FakeTimers();
    const transport = new FakeTransport(() => timers.now());
    const layer = new TransactionLayer(transport, { timers });
    const finals: string[] = [];
    const tx = layer.sendRequest(request({ method: 'INVITE', branch: 'z9hG4bKc2' }), UDP, {
      onFinal: (r: SipResponse) => finals.push(`${r.status} ${r.to().tag}`),
    });
    layer.receive(response(200, { branch: 'z9hG4bKc2', toTag: 'a' }), UDP_SOURCE);
    expect(() => tx.request).toThrow(/released/);
    layer.receive(response(200, { branch: 'z9hG4bKc2', toTag: 'a' }), UDP_SOURCE);
    layer.receive(response(200, { branch: 'z9hG4bKc2', toTag: 'fork' }), UDP_SOURCE);
    expect(finals).toEqual(['200 a', '200 a', '200 fork']);
    expect(transport.sent).toHaveLength(1); // no ACK from the transaction for a 2xx
    timers.advance(32000); // Timer M
    expect(tx.state).toBe('terminated');
  });

  it('non-INVITE client: request released in Completed; retransmitted finals absorbed until Timer K', () => {
    const timers = new FakeTimers();
    const transport = new FakeTransport(() => timers.now());
    const layer = new TransactionLayer(transport, { timers });
    const finals: number[] = [];
    const tx = layer.sendRequest(request({ method: 'BYE', branch: 'z9hG4bKc3' }), UDP, {
      onFinal: (r: SipResponse) => finals.push(r.status),
    });
    layer.receive(response(200, { branch: 'z9hG4bKc3', method: 'BYE' }), UDP_SOURCE);
    expect(() => tx.request).toThrow(/released/);
    layer.receive(response(200, { branch: 'z9hG4bKc3', method: 'BYE' }), UDP_SOURCE);
    expect(finals).toEqual([200]);
    timers.advance(10_000); // no Timer E retransmission once Completed
    expect(transport.sent).toHaveLength(1);
    expect(tx.state).toBe('terminated');
  });

  it('detach() copies a string out of its parent; retained bytes round-trip exactly, binary included', () => {
    const text = 'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-a-long-branch-value\r\n';
    const branch = text.slice(41, 67);
    expect(detach(branch)).toBe(branch);
    const bytes = Buffer.concat([Buffer.from('SIP/2.0 200 OK\r\nSubject: caf\u00e9\r\n\r\n', 'utf8'), Buffer.from([0, 0xff, 0x80, 0x0d])]);
    expect(retainedBuffer(retainBytes(bytes)).equals(bytes)).toBe(true);
  });
});
