/**
 * The proxy worker over real sockets with SIPp peers (loopback): calls and REGISTERs over UDP and TCP, CANCEL,
 * Max-Forwards and loop cases, a strict-routing previous hop, HA failover / out of service / recovery, overload,
 * and the management endpoints.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startProxy } from './peers.js';
import { cleanupWork, runUac, scenario, SippUas } from '../helpers/sipp.js';
import type { WorkerStatus } from '../../src/worker/proxy-worker.js';
import { freePort, sleep, waitFor } from '../helpers/net.js';

afterAll(() => cleanupWork());

function pairCfg(host: string, port: number, transport: 'udp' | 'tcp', backup?: { host: string; port: number }) {
  return {
    servingPair: 'SIPServer_A',
    pairs: [
      {
        name: 'SIPServer_A',
        primary: { name: 'SIPServer_A', host, port, transport },
        backup: backup ? { name: 'SIPServer_A_backup', host: backup.host, port: backup.port, transport } : undefined,
      },
    ],
  };
}

describe.each(['udp', 'tcp'] as const)('calls and REGISTER through the proxy over %s', (transport) => {
  it('INVITE/ACK/BYE: every call completes, record-routed, in-dialog requests by Route', async () => {
    const uasPort = await freePort();
    const uas = await SippUas.start({ scenario: scenario('uas_call.xml'), host: '127.0.0.1', port: uasPort, transport });
    const proxy = await startProxy({ ...pairCfg('127.0.0.1', uasPort, transport), transports: [transport] });
    try {
      const r = await runUac({
        scenario: scenario('uac_call.xml'),
        target: proxy.target,
        transport,
        calls: 30,
        rate: 15,
        extra: ['-d', '100'],
      });
      expect(r.failed, r.output).toBe(0);
      expect(r.successful).toBe(30);
      const st = proxy.worker.status();
      expect(st.counters.requestsIn.INVITE).toBe(30);
      expect(st.counters.requestsIn.BYE).toBe(30);
      expect(st.counters.requestsIn.ACK).toBe(30);
      expect(st.counters.calls).toBe(30);
    } finally {
      await proxy.stop();
      await uas.kill();
    }
  });

  it('REGISTER is forwarded to the serving pair and answered', async () => {
    const uasPort = await freePort();
    const uas = await SippUas.start({ scenario: scenario('uas_register.xml'), host: '127.0.0.1', port: uasPort, transport });
    const proxy = await startProxy({ ...pairCfg('127.0.0.1', uasPort, transport), transports: [transport] });
    try {
      const r = await runUac({ scenario: scenario('uac_register.xml'), target: proxy.target, transport, calls: 30, rate: 30 });
      expect(r.failed, r.output).toBe(0);
      expect(r.successful).toBe(30);
      expect(proxy.worker.status().counters.requestsIn.REGISTER).toBe(30);
    } finally {
      await proxy.stop();
      await uas.kill();
    }
  });
});

describe('RFC 3261 §16 cases with SIPp peers (UDP)', () => {
  it('CANCEL of a ringing call: 200 for the CANCEL, CANCEL downstream, 487 relayed, ACK', async () => {
    const uasPort = await freePort();
    const uas = await SippUas.start({ scenario: scenario('uas_ring_cancel.xml'), host: '127.0.0.1', port: uasPort, transport: 'udp' });
    const proxy = await startProxy(pairCfg('127.0.0.1', uasPort, 'udp'));
    try {
      const r = await runUac({ scenario: scenario('uac_cancel.xml'), target: proxy.target, transport: 'udp', calls: 5, rate: 5 });
      expect(r.failed, r.output).toBe(0);
      expect(r.successful).toBe(5);
      expect(proxy.worker.status().counters.requestsIn.CANCEL).toBe(5);
    } finally {
      await proxy.stop();
      await uas.kill();
    }
  });

  it.each([
    { title: 'Max-Forwards 0 -> 483 Too Many Hops', expected: 483, maxForwards: 0, loop: false, counter: 'tooManyHops' as const },
    {
      title: 'a loop (the next hop is the proxy itself) -> 482 Loop Detected',
      expected: 482,
      maxForwards: 70,
      loop: true,
      counter: 'loops' as const,
    },
  ])('$title', async ({ expected, maxForwards, loop, counter }) => {
    const port = await freePort();
    // A loop: the serving pair's primary is the proxy's own port; otherwise a port nobody answers on.
    const proxy = await startProxy(loop ? { sipPort: port, ...pairCfg('127.0.0.1', port, 'udp') } : pairCfg('127.0.0.1', port, 'udp'));
    try {
      const r = await runUac({
        scenario: scenario('uac_expect_error.xml', { EXPECTED: expected, MF: maxForwards }),
        target: proxy.target,
        transport: 'udp',
        calls: 3,
        rate: 3,
      });
      expect(r.failed, r.output).toBe(0);
      expect(r.successful).toBe(3);
      expect(proxy.worker.status().counters[counter]).toBe(3);
    } finally {
      await proxy.stop();
    }
  });

  // The relay policy: a strict router that is a trusted neighbour may name any target; an untrusted one (a UA
  // whose dialog peer is the SIP Server) reaches the SIP Server.
  it.each(['trusted previous hop, any target', 'untrusted previous hop, the SIP Server as target'])(
    'a strict-routing previous hop: the Request-URI is restored from the last Route (§16.4): %s',
    async (kind) => {
      const uasPort = await freePort();
      const uas = await SippUas.start({ scenario: scenario('uas_strict_route.xml'), host: '127.0.0.1', port: uasPort, transport: 'udp' });
      const trusted = kind.startsWith('trusted');
      const proxy = await startProxy({
        ...pairCfg('127.0.0.1', trusted ? await freePort() : uasPort, 'udp'),
        oosCheckS: 0,
        relay: { trustedNetworks: trusted ? ['127.0.0.1/32'] : [], allowForeignNextHop: false },
      });
      try {
        const r = await runUac({
          scenario: scenario('uac_strict_route.xml', { UAS: `127.0.0.1:${uasPort}` }),
          target: proxy.target,
          transport: 'udp',
          calls: 3,
          rate: 3,
        });
        expect(r.failed, r.output + uas.output).toBe(0);
        expect(r.successful).toBe(3);
      } finally {
        await proxy.stop();
        await uas.kill();
      }
    },
  );
});

describe('HA pair: failover, out of service, recovery (UDP)', () => {
  it('kill the primary during steady calls: every call set up through the backup; both down -> 503 + alarm; one back -> recovered', async () => {
    // Same sip-port on both servers (the guide's requirement), on two loopback addresses.
    let port = await freePort('127.0.0.1');
    for (let i = 0; i < 20 && !(await freePort('127.0.0.2').then(() => true)); i++) port = await freePort('127.0.0.1');
    const primary = await SippUas.start({ scenario: scenario('uas_call.xml'), host: '127.0.0.1', port, transport: 'udp' });
    const backup = await SippUas.start({ scenario: scenario('uas_call.xml'), host: '127.0.0.2', port, transport: 'udp' });
    const proxy = await startProxy({
      ...pairCfg('127.0.0.1', port, 'udp', { host: '127.0.0.2', port }),
      oosCheckS: 1,
      oosForceS: 1,
      probeTimeoutMs: 500,
      failover: { enabled: true, timeoutMs: 1000 },
    });
    let revived: SippUas | undefined;
    try {
      await waitFor(() => proxy.worker.proxy.pairs.get('SIPServer_A')!.health('primary')!.status === 'up', 5000, 'first probe');
      // 20 calls/s for 8 s; the primary dies after 3 s.
      const calls = runUac({
        scenario: scenario('uac_short_call.xml'),
        target: proxy.target,
        transport: 'udp',
        calls: 160,
        rate: 20,
        timeoutS: 40,
      });
      await sleep(3000);
      await primary.kill('SIGKILL');
      const r = await calls;
      expect(r.failed, r.output).toBe(0);
      expect(r.successful).toBe(160);
      const st = JSON.parse((await proxy.get('/status')).body) as WorkerStatus;
      const pair = st.pairs[0];
      expect(pair.state).toBe('backup-active');
      const change = pair.history.find((h) => h.to === 'backup-active')!;
      expect(change.from).toBe('primary-active');
      expect(['forward-timeout', 'probe-timeout', 'probe-transport-error']).toContain(change.trigger);
      expect(change.server).toBe('primary');
      // Every INVITE was answered 200 in the end (some after a retry on the backup).
      expect(st.counters.responsesOut['200']).toBeGreaterThanOrEqual(160);

      // Both down: 503 with Retry-After, alarm and log event 40001.
      await backup.kill('SIGKILL');
      await waitFor(() => proxy.worker.proxy.pairs.get('SIPServer_A')!.state === 'out-of-service', 8000, 'out of service');
      const refused = await runUac({
        scenario: scenario('uac_expect_error.xml', { EXPECTED: 503, MF: 70 }),
        target: proxy.target,
        transport: 'udp',
        calls: 3,
        rate: 3,
      });
      expect(refused.failed, refused.output).toBe(0);
      const st2 = proxy.worker.status();
      expect(st2.alarms.map((a) => a.event)).toEqual([40001]);
      expect(st2.counters.rejectedOutOfService).toBeGreaterThanOrEqual(3);
      expect(proxy.logs.some((l) => l.event === 40001 && l.eventName === 'SPR_SIPS_HA_PAIR_UNAVAILABLE')).toBe(true);
      const metrics = (await proxy.get('/metrics')).body;
      expect(metrics).toMatch(/sipproxy_ha_pair_state\{app="SIPProxy_IT",pair="SIPServer_A",state="out-of-service"\} 1/);

      // The primary comes back: recovered without restart (probes every oos-force), alarm cleared.
      revived = await SippUas.start({ scenario: scenario('uas_call.xml'), host: '127.0.0.1', port, transport: 'udp' });
      await waitFor(() => proxy.worker.proxy.pairs.get('SIPServer_A')!.state === 'primary-active', 8000, 'recovery');
      expect(proxy.worker.status().alarms).toEqual([]);
      const after = await runUac({
        scenario: scenario('uac_call.xml'),
        target: proxy.target,
        transport: 'udp',
        calls: 5,
        rate: 5,
        extra: ['-d', '50'],
      });
      expect(after.failed, after.output).toBe(0);
    } finally {
      await proxy.stop();
      await primary.kill();
      await backup.kill();
      await revived?.kill();
    }
  });
});

describe('overload and management (UDP)', () => {
  it('overload-ctrl-dialog-rate 10 at 20 INVITEs/s: the excess gets 503, the rest completes', async () => {
    const uasPort = await freePort();
    const uas = await SippUas.start({ scenario: scenario('uas_call.xml'), host: '127.0.0.1', port: uasPort, transport: 'udp' });
    const proxy = await startProxy({ ...pairCfg('127.0.0.1', uasPort, 'udp'), overloadDialogRate: 10 });
    try {
      const r = await runUac({ scenario: scenario('uac_overload.xml'), target: proxy.target, transport: 'udp', calls: 100, rate: 20 });
      expect(r.failed, r.output).toBe(0);
      expect(r.successful).toBe(100);
      const st = proxy.worker.status();
      // 5 s at 20/s against 10/s with a one-second burst: about 40-60 refused.
      expect(st.counters.rejectedOverload).toBeGreaterThanOrEqual(30);
      expect(st.counters.rejectedOverload).toBeLessThanOrEqual(60);
      expect(st.counters.calls + st.counters.rejectedOverload).toBe(100);

      const health = JSON.parse((await proxy.get('/health')).body) as { status: string };
      expect(health.status).toBe('ok');
      const metrics = (await proxy.get('/metrics')).body;
      expect(metrics).toContain('sipproxy_requests_received_total{app="SIPProxy_IT",method="INVITE"} 100');
      expect(metrics).toContain('sipproxy_503_sent_total{app="SIPProxy_IT",reason="overload"}');
      const status = JSON.parse((await proxy.get('/status')).body) as WorkerStatus;
      expect(status.configVersion).toBe('it-1');
      expect(status.listeners.map((l) => l.transport).sort()).toEqual(['tcp', 'udp']);
    } finally {
      await proxy.stop();
      await uas.kill();
    }
  });

  it('sipproxy-role 0 is refused at start with the reason', async () => {
    await expect(startProxy({ role: 0 })).rejects.toThrow(/sipproxy-role is 0: only 10/);
  });
});
