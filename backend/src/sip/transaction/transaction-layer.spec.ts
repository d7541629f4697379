import { beforeEach, describe, expect, it } from 'vitest';
import { createResponse } from '../message/index.js';
import { FakeTimers } from './timer-wheel.js';
import { TransactionLayer } from './transaction-layer.js';
import type { ServerTransaction } from './transaction-types.js';
import { TransactionError } from './transaction-types.js';
import { FakeTransport, UDP_SOURCE, request } from '../../../test/support/transaction-kit.js';

describe('TransactionLayer matching (RFC 3261 §17.2.3, §9.2, RFC 2543 fallback)', () => {
  let timers: FakeTimers;
  let transport: FakeTransport;
  let layer: TransactionLayer;
  let txs: ServerTransaction[];
  let strayAcks: number;

  beforeEach(() => {
    timers = new FakeTimers();
    transport = new FakeTransport(() => timers.now());
    layer = new TransactionLayer(transport, { timers, config: { trying100Delay: -1 } });
    txs = [];
    strayAcks = 0;
    layer.onRequest((tx) => txs.push(tx));
    layer.onAck(() => strayAcks++);
  });

  it('attaches to the transport by default', () => {
    transport.handler?.(request({ method: 'OPTIONS' }), UDP_SOURCE);
    expect(txs).toHaveLength(1);
  });

  it('same branch but different sent-by or method is a different transaction', () => {
    layer.receive(request({ method: 'INVITE', branch: 'z9hG4bK1' }), UDP_SOURCE);
    layer.receive(request({ method: 'INVITE', branch: 'z9hG4bK1', sentBy: '192.0.2.99:5060' }), UDP_SOURCE);
    layer.receive(request({ method: 'INVITE', branch: 'z9hG4bK1', sentBy: '192.0.2.10:5062' }), UDP_SOURCE);
    layer.receive(request({ method: 'OPTIONS', branch: 'z9hG4bK1' }), UDP_SOURCE);
    expect(txs.map((t) => t.kind)).toEqual(['ist', 'ist', 'ist', 'nist']);
  });

  it('CANCEL gets its own transaction and finds the INVITE it cancels (§9.2)', () => {
    layer.receive(request({ method: 'INVITE', branch: 'z9hG4bKc' }), UDP_SOURCE);
    const cancel = request({ method: 'CANCEL', branch: 'z9hG4bKc' });
    layer.receive(cancel, UDP_SOURCE);
    expect(txs.map((t) => t.kind)).toEqual(['ist', 'nist']);
    expect(layer.findInviteForCancel(cancel)).toBe(txs[0]);
    expect(layer.findInviteForCancel(request({ method: 'CANCEL', branch: 'z9hG4bKzz' }))).toBeUndefined();
  });

  it('ACK for a non-2xx matches the INVITE transaction by branch (method ACK -> INVITE)', () => {
    layer.receive(request({ method: 'INVITE', branch: 'z9hG4bKa' }), UDP_SOURCE);
    txs[0].respond(createResponse(txs[0].request, 404, undefined, 'tt'));
    layer.receive(request({ method: 'ACK', branch: 'z9hG4bKa', toTag: 'tt' }), UDP_SOURCE);
    expect(txs[0].state).toBe('confirmed');
    expect(strayAcks).toBe(0);
  });

  it('RFC 2543 (no magic cookie): matches on Request-URI, tags, Call-ID, CSeq and top Via', () => {
    const legacy = (o: Partial<Parameters<typeof request>[0]> = {}) =>
      request({ method: 'INVITE', branch: '', sentBy: '192.0.2.10:5060', ...o });
    layer.receive(legacy(), UDP_SOURCE);
    layer.receive(legacy(), UDP_SOURCE); // retransmission
    expect(txs).toHaveLength(1);
    layer.receive(legacy({ cseq: 2 }), UDP_SOURCE);
    layer.receive(legacy({ callId: 'other' }), UDP_SOURCE);
    layer.receive(legacy({ uri: 'sip:carol@example.com' }), UDP_SOURCE);
    layer.receive(legacy({ fromTag: 'x' }), UDP_SOURCE);
    layer.receive(legacy({ sentBy: '192.0.2.11' }), UDP_SOURCE);
    expect(txs).toHaveLength(6);
    txs[0].respond(createResponse(txs[0].request, 486, undefined, 'legacy-tag'));
    layer.receive(legacy({ method: 'ACK', toTag: 'wrong' }), UDP_SOURCE);
    expect(strayAcks).toBe(1);
    expect(txs[0].state).toBe('completed');
    layer.receive(legacy({ method: 'ACK', toTag: 'legacy-tag' }), UDP_SOURCE);
    expect(txs[0].state).toBe('confirmed');
  });

  it('a branch without the magic cookie also uses the RFC 2543 rule', () => {
    layer.receive(request({ method: 'OPTIONS', branch: 'oldstyle1' }), UDP_SOURCE);
    layer.receive(request({ method: 'OPTIONS', branch: 'oldstyle1', cseq: 2 }), UDP_SOURCE);
    expect(txs).toHaveLength(2);
  });

  it('sendRequest refuses ACK and requests without a branch, and duplicate transactions, each with its code', () => {
    const dest = { transport: 'udp' as const, host: '192.0.2.5', port: 5060 };
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(TransactionError);
        return (e as TransactionError).code;
      }
      return undefined;
    };
    expect(codeOf(() => layer.sendRequest(request({ method: 'ACK' }), dest))).toBe('ACK_IN_TRANSACTION');
    expect(codeOf(() => layer.sendRequest(request({ method: 'OPTIONS', branch: '' }), dest))).toBe('NO_BRANCH');
    layer.sendRequest(request({ method: 'OPTIONS', branch: 'z9hG4bKdup' }), dest);
    expect(codeOf(() => layer.sendRequest(request({ method: 'OPTIONS', branch: 'z9hG4bKdup' }), dest))).toBe('DUPLICATE_TRANSACTION');
    expect(layer.findClientTransaction('z9hG4bKdup', 'OPTIONS')?.kind).toBe('nict');
  });

  it('close() terminates everything and cancels timers', () => {
    layer.receive(request({ method: 'INVITE', branch: 'z9hG4bKq' }), UDP_SOURCE);
    layer.sendRequest(request({ method: 'INVITE', branch: 'z9hG4bKr' }), { transport: 'udp', host: '192.0.2.5', port: 5060 });
    layer.close();
    expect(layer.stats()).toMatchObject({ clientTransactions: 0, serverTransactions: 0 });
    expect(timers.size).toBe(0);
  });
});

describe('TransactionLayer robustness', () => {
  it('answers 503 when no TU is registered and 500 when the TU throws, so no transaction leaks', () => {
    const timers = new FakeTimers();
    const transport = new FakeTransport(() => timers.now());
    const layer = new TransactionLayer(transport, { timers });
    layer.receive(request({ method: 'OPTIONS', branch: 'z9hG4bKn1' }), UDP_SOURCE);
    expect(transport.startLines()).toEqual(['SIP/2.0 503 Service Unavailable']);
    layer.onRequest(() => {
      throw new Error('TU bug');
    });
    layer.receive(request({ method: 'INVITE', branch: 'z9hG4bKn2' }), UDP_SOURCE);
    expect(transport.startLines()[1]).toBe('SIP/2.0 500 Server Internal Error');
    expect(layer.stats().handlerErrors).toBe(1);
    timers.advance(64 * 500);
    expect(layer.stats().serverTransactions).toBe(0);
  });
});
