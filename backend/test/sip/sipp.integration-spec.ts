/**
 * The SIP stack (transport + transaction layers) under SIPp as UAC, over UDP and TCP on loopback.
 * SIPp's exit code 0 means every call succeeded; its CSV gives failures and retransmissions.
 */
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestUas } from './test-uas.js';
import { runUac, type UacResult } from '../helpers/sipp.js';
import { sleep } from '../helpers/net.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('SIPp against a UAS on the stack', () => {
  let uas: TestUas;
  beforeAll(async () => {
    uas = await TestUas.start([
      { transport: 'udp', address: '127.0.0.1', port: 0 },
      { transport: 'tcp', address: '127.0.0.1', port: 0 },
    ]);
  });
  afterAll(async () => {
    await uas.stop();
  });

  type UacOptions = Parameters<typeof runUac>[0];
  const summary = (label: string, r: UacResult) =>
    `${label}: exit=${r.exitCode} successful=${r.successful} failed=${r.failed} retransmissions=${r.retransmissions}`;
  const report = (label: string, r: UacResult) =>
    `${label}: exit=${r.exitCode} ok=${r.successful} failed=${r.failed} retrans=${r.retransmissions}\n${r.output}\n${r.screen.slice(-3000)}`;

  /** Runs SIPp to the end and checks that every call succeeded without a retransmission. */
  async function allCallsSucceed(label: string, short: string, o: UacOptions): Promise<UacResult> {
    const r = await runUac(o);
    console.log(summary(label, r));
    expect(r.exitCode, report(short, r)).toBe(0);
    expect(r.successful).toBe(o.calls);
    expect(r.failed).toBe(0);
    expect(r.retransmissions).toBe(0);
    return r;
  }

  it('UDP: 200 calls (INVITE/100/180/200/ACK/BYE/200) at 50 cps, none failed, no retransmissions', async () => {
    const before = { ...uas.counters };
    await allCallsSucceed('sipp uac udp', 'udp', {
      target: `127.0.0.1:${uas.port('udp')}`,
      scenario: { builtin: 'uac' },
      transport: 'udp',
      calls: 200,
      rate: 50,
      timeoutS: 40,
    });
    expect(uas.counters.invites - before.invites).toBe(200);
    expect(uas.counters.acks - before.acks).toBe(200);
    expect(uas.counters.byes - before.byes).toBe(200);
    expect(uas.transactions.stats().requestsMatched).toBe(0); // no request retransmission reached the UAS
    expect(uas.okRetransmissions).toBe(0);
  });

  it('TCP (-t t1): 200 calls at 50 cps, none failed', async () => {
    const before = { ...uas.counters };
    await allCallsSucceed('sipp uac tcp', 'tcp', {
      target: `127.0.0.1:${uas.port('tcp')}`,
      scenario: { builtin: 'uac' },
      transport: 'tcp',
      calls: 200,
      rate: 50,
      timeoutS: 40,
    });
    expect(uas.counters.byes - before.byes).toBe(200);
    expect(uas.transport.stats().stream.accepted).toBeGreaterThanOrEqual(1);
  });

  it('TCP (-t tn, a connection per call): 100 calls at 50 cps, none failed, connections released', async () => {
    const accepted = uas.transport.stats().stream.accepted;
    await allCallsSucceed('sipp uac tcp tn', 'tn', {
      target: `127.0.0.1:${uas.port('tcp')}`,
      scenario: { builtin: 'uac' },
      transport: 'tcp-per-call',
      calls: 100,
      rate: 50,
      timeoutS: 30,
      extra: ['-max_socket', '1000'], // tn's default (50000) exceeds the fd limit and SIPp refuses to start
    });
    expect(uas.transport.stats().stream.accepted - accepted).toBe(100);
    await sleep(200);
    expect(uas.transport.connectionList()).toHaveLength(0);
  });

  it('REGISTER scenario over UDP and TCP: 200 echoes Contact and Expires', async () => {
    for (const transport of ['udp', 'tcp'] as const) {
      await allCallsSucceed(`sipp register ${transport}`, transport, {
        target: `127.0.0.1:${uas.port(transport)}`,
        scenario: path.join(here, 'register.xml'),
        transport,
        calls: 100,
        rate: 50,
        timeoutS: 30,
      });
    }
  });
});
