import { describe, expect, it } from 'vitest';
import type { TraceRecordView } from './api';
import { buildLadder } from './ladder';

let seq = 0;
function rec(direction: 'in' | 'out', remote: string, firstLine: string, atUs: number): TraceRecordView {
  const [address, port] = remote.split(':');
  const status = /^\d{3} /.test(firstLine) ? Number(firstLine.slice(0, 3)) : undefined;
  return {
    seq: ++seq,
    atUs,
    direction,
    transport: 'udp',
    local: { address: '192.0.2.1', port: 5060 },
    remote: { address: address!, port: Number(port) },
    firstLine,
    method: status ? 'INVITE' : firstLine.split(' ')[0]!,
    status,
    callId: 'c1',
    cseq: '1 INVITE',
    users: [],
    message: '',
  };
}

describe('buildLadder', () => {
  it('puts the caller left of the proxy, the SIP Server (named) right of it, arrows in time order', () => {
    const l = buildLadder(
      [
        rec('in', '10.0.0.5:5060', 'INVITE sip:2000@a', 1_000_000),
        rec('out', '127.0.0.1:5070', 'INVITE sip:2000@a', 1_000_400),
        rec('in', '127.0.0.1:5070', '180 Ringing', 1_050_000),
        rec('out', '10.0.0.5:5060', '180 Ringing', 1_050_300),
      ],
      new Map([['127.0.0.1:5070', 'SIPServer_A']]),
    );
    expect(l.columns.map((c) => c.label)).toEqual(['10.0.0.5:5060', 'this proxy', 'SIPServer_A (127.0.0.1:5070)']);
    expect(l.rows.map((r) => [r.from, r.to, r.label, r.offsetMs])).toEqual([
      [0, 1, 'INVITE', 0],
      [1, 2, 'INVITE', 0.4],
      [2, 1, '180 Ringing', 50],
      [1, 0, '180 Ringing', 50.3],
    ]);
  });

  it('brackets IPv6 addresses and is empty for no messages', () => {
    const v6 = { ...rec('in', '10.0.0.5:5060', 'OPTIONS sip:x', 1), remote: { address: '2001:db8::5', port: 5060 } };
    expect(buildLadder([v6]).columns[0]!.key).toBe('[2001:db8::5]:5060');
    expect(buildLadder([])).toEqual({ columns: [{ key: 'proxy', label: 'this proxy', kind: 'proxy' }], rows: [] });
  });
});
