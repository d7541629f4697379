/**
 * A worker group of 2 real processes (test/helpers/group-rig.ts: forked members, this process relays their
 * messages like the group supervisor) in front of a real HA pair of SIPp UAS: one HA view per group. Only the
 * leader (member 0) probes; both members route to the same active server after the primary stops answering; one
 * 40001 alarm for the group; the follower keeps serving on the last known state when the leader dies, and the
 * restarted leader takes the group's view. Overload: the group's dialog rate, not each member's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupWork, runUac, scenario, SippUas } from '../helpers/sipp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { GroupRig } from '../helpers/group-rig.js';
import * as net from 'node:net';
import type { ProxyRuntimeConfig, SipRequest, SipResponse } from '../../src/sip/index.js';
import { Endpoint, branch, isReq, isResp, request, udpEndpoint } from '../tls/sip-peer.js';

afterAll(() => cleanupWork());

async function memberConfigs(n: number, over: Partial<ProxyRuntimeConfig>): Promise<Partial<ProxyRuntimeConfig>[]> {
  const out: Partial<ProxyRuntimeConfig>[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      appName: 'SIPProxy_GROUP',
      version: 'it-1',
      listenHost: '127.0.0.1',
      advertisedHost: '127.0.0.1',
      sipPort: await freePort(),
      httpPort: await freePort(),
      transports: ['udp', 'tcp'],
      ...over,
    });
  }
  return out;
}

describe('worker group of 2: one HA view', () => {
  it('only the leader probes; both route to the backup after the primary dies; the follower serves on when the leader dies; one 40001 alarm', async () => {
    let port = await freePort('127.0.0.1');
    for (let i = 0; i < 20 && !(await freePort('127.0.0.2').then(() => true)); i++) port = await freePort('127.0.0.1');
    const primary = await SippUas.start({ scenario: scenario('uas_call.xml'), host: '127.0.0.1', port, transport: 'udp' });
    const backup = await SippUas.start({ scenario: scenario('uas_call.xml'), host: '127.0.0.2', port, transport: 'udp' });
    const configs = await memberConfigs(2, {
      servingPair: 'SIPServer_A',
      pairs: [
        {
          name: 'SIPServer_A',
          primary: { name: 'SIPServer_A', host: '127.0.0.1', port, transport: 'udp' },
          backup: { name: 'SIPServer_A_backup', host: '127.0.0.2', port, transport: 'udp' },
        },
      ],
      oosCheckS: 1,
      oosForceS: 1,
      probeTimeoutMs: 500,
      failover: { enabled: true, timeoutMs: 1000 },
    });
    const rig = await GroupRig.start(configs);
    const target = (i: number) => `127.0.0.1:${configs[i].sipPort}`;
    const pairOf = async (i: number) => (await rig.status(i)).pairs[0];
    try {
      await waitFor(async () => (await pairOf(0)).servers[0].status === 'up', 5000, 'the leader probed the primary');
      await waitFor(async () => (await pairOf(0)).servers[0].probes >= 2, 5000, 'a second probe');
      // Probing once per group: the follower sent no OPTIONS.
      const f0 = await pairOf(1);
      expect(f0.servers.map((s) => s.probes)).toEqual([0, 0]);
      expect((await rig.status(1)).groupShared).toMatchObject({ index: 1, size: 2, leader: 0 });

      // The primary stops answering: the leader's probes fail it over, and the follower follows.
      await primary.kill('SIGKILL');
      await waitFor(async () => (await pairOf(0)).state === 'backup-active', 8000, 'leader on the backup');
      await waitFor(async () => (await pairOf(1)).state === 'backup-active', 3000, 'follower on the backup');
      const adopted = (await pairOf(1)).history.find((h) => h.to === 'backup-active')!;
      expect(['probe-timeout', 'probe-transport-error']).toContain(adopted.trigger);
      expect((await pairOf(1)).servers.map((s) => s.probes)).toEqual([0, 0]);
      for (const i of [0, 1]) {
        const r = await runUac({
          scenario: scenario('uac_call.xml'),
          target: target(i),
          transport: 'udp',
          calls: 5,
          rate: 5,
          extra: ['-d', '50'],
        });
        expect(r.failed, r.output).toBe(0);
      }

      // The leader dies: member 1 keeps serving on the last known state (the backup) and takes the lead.
      await rig.kill(0);
      const r1 = await runUac({
        scenario: scenario('uac_call.xml'),
        target: target(1),
        transport: 'udp',
        calls: 5,
        rate: 5,
        extra: ['-d', '50'],
      });
      expect(r1.failed, r1.output).toBe(0);
      expect((await pairOf(1)).state).toBe('backup-active');
      await waitFor(async () => (await rig.status(1)).groupShared?.leader === 1, 3000, 'member 1 leads');
      await waitFor(async () => (await pairOf(1)).servers.some((s) => s.probes > 0), 5000, 'member 1 probes');

      // Member 0 is started again: it leads again and takes the group's view (the backup) from member 1.
      await rig.startMember(0);
      await waitFor(async () => (await pairOf(0)).state === 'backup-active', 5000, 'restarted leader on the backup');
      await waitFor(async () => (await rig.status(1)).groupShared?.leader === 0, 3000, 'member 0 leads again');

      // Both servers down: out of service everywhere, one alarm for the group (the leader's), one 40001 logged.
      await backup.kill('SIGKILL');
      await waitFor(async () => (await pairOf(0)).state === 'out-of-service', 8000, 'leader out of service');
      await waitFor(async () => (await pairOf(1)).state === 'out-of-service', 3000, 'follower out of service');
      const s0 = await rig.status(0);
      const s1 = await rig.status(1);
      expect(s0.alarms.map((a) => a.event)).toEqual([40001]);
      expect(s1.alarms).toEqual([]);
      expect(rig.allLogs.filter((l) => l.event === 40001).map((l) => l.member)).toEqual([0]);
      const refused = await runUac({
        scenario: scenario('uac_expect_error.xml', { EXPECTED: 503, MF: 70 }),
        target: target(1),
        transport: 'udp',
        calls: 2,
        rate: 2,
      });
      expect(refused.failed, refused.output).toBe(0);
    } finally {
      await rig.stop();
      await primary.kill();
      await backup.kill();
    }
  });
});

describe('worker group of 2: a flow held by one member is reached through the other', () => {
  it("REGISTER over TCP through member 0; the SIP Server's requests landing on member 1 go down member 0's connection (not 430); 430 from the holder once it is closed", async () => {
    const server = await udpEndpoint({ host: '127.0.0.1', port: 0 });
    const paths: string[][] = [];
    server.responder = (req, ep) => {
      if (req.method === 'REGISTER') {
        paths.push(req.headers.getAll('path'));
        ep.reply(req, 200, [`Contact: ${req.headers.get('contact')!};expires=600`]);
      } else ep.reply(req, 200);
    };
    const configs = await memberConfigs(2, {
      servingPair: 'SIPServer_A',
      pairs: [{ name: 'SIPServer_A', primary: { name: 'SIPServer_A', host: '127.0.0.1', port: server.port, transport: 'udp' } }],
      oosCheckS: 0,
    });
    const rig = await GroupRig.start(configs);
    const [a, b] = [configs[0].sipPort!, configs[1].sipPort!];
    const socket = net.connect(a, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const ua = new Endpoint(socket);
    ua.responder = (req, ep) => ep.reply(req, 200, req.method === 'INVITE' ? ['Contact: <sip:1000@127.0.0.1:5999;transport=tcp>'] : []);
    const fromServer = (method: string, route: string | undefined, callId: string): void => {
      server.send(
        request(method, 'sip:1000@127.0.0.1:5999;transport=tcp', {
          via: `SIP/2.0/UDP 127.0.0.1:${server.port};branch=${branch()};rport`,
          from: '<sip:2000@example.com>;tag=srv',
          to: '<sip:1000@example.com>',
          callId,
          contact: `<sip:2000@127.0.0.1:${server.port}>`,
          extra: route ? [`Route: ${route}`] : [],
        }),
        { host: '127.0.0.1', port: b },
      );
    };
    try {
      ua.send(
        request('REGISTER', `sip:127.0.0.1:${a}`, {
          via: `SIP/2.0/TCP 127.0.0.1:5999;branch=${branch()}`,
          from: '<sip:1000@example.com>;tag=r1',
          to: '<sip:1000@example.com>',
          callId: 'reg-1',
          contact: `<sip:1000@127.0.0.1:5999;transport=tcp>;reg-id=1;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"`,
          extra: ['Supported: outbound, path'],
        }),
      );
      await ua.waitFor(isResp(200, 'REGISTER'));
      const path = paths[0][0];
      expect(path).toMatch(new RegExp(`@127\\.0\\.0\\.1:${a};lr;ob>$`));
      // The kernel gave the SIP Server's request to member 1: the same Route, at member 1's port.
      const route = path.replace(`:${a};`, `:${b};`);
      fromServer('INVITE', route, 'srv-inv-1');
      const inv = (await ua.waitFor(isReq('INVITE'))) as SipRequest;
      expect(inv.topVia()!.port).toBe(b); // member 1 holds the transaction; member 0 only wrote the bytes
      await server.waitFor(isResp(200, 'INVITE'));
      fromServer('MESSAGE', route, 'srv-msg-1');
      await ua.waitFor(isReq('MESSAGE'));
      await server.waitFor(isResp(200, 'MESSAGE'));
      // By Request-URI only (a registrar that ignores Path, like the guide's SIP Server): member 1 knows the binding.
      fromServer('MESSAGE', undefined, 'srv-msg-ruri');
      await ua.waitFor(isReq('MESSAGE'));
      await server.waitFor(isResp(200, 'MESSAGE'));
      const s1 = (await rig.status(1)).groupShared!;
      const s0 = (await rig.status(0)).groupShared!;
      expect(s1.flowHandoff).toMatchObject({ handedOff: 3 });
      expect(s0.flowHandoff).toMatchObject({ sentForOthers: 3, responsesReturned: 3, flowFailed: 0 });
      expect((await rig.status(1)).counters.responsesOut['430'] ?? 0).toBe(0);

      // The phone goes away: the holder answers 430 Flow Failed for member 1's request.
      ua.close();
      await waitFor(async () => (await rig.status(0)).connections.length === 0, 3000, 'connection closed');
      fromServer('MESSAGE', route, 'srv-msg-2');
      const r430 = (await server.waitFor(isResp(430, 'MESSAGE'))) as SipResponse;
      expect(r430.reason).toBe('Flow Failed');
      fromServer('MESSAGE', undefined, 'srv-msg-3');
      await server.waitFor(isResp(430, 'MESSAGE'));
      expect((await rig.status(0)).groupShared!.flowHandoff).toMatchObject({ flowFailed: 2 });
    } finally {
      ua.close();
      server.close();
      await rig.stop();
    }
  });
});

describe('worker group of 2: overload counts the group', () => {
  it('overload-ctrl-dialog-rate 10 with 10 INVITEs/s at each member: the group admits about 10/s, not 20', async () => {
    const uasPort = await freePort();
    const uas = await SippUas.start({ scenario: scenario('uas_call.xml'), host: '127.0.0.1', port: uasPort, transport: 'udp' });
    const configs = await memberConfigs(2, {
      servingPair: 'SIPServer_A',
      pairs: [{ name: 'SIPServer_A', primary: { name: 'SIPServer_A', host: '127.0.0.1', port: uasPort, transport: 'udp' } }],
      overloadDialogRate: 10,
    });
    const rig = await GroupRig.start(configs);
    try {
      // 6 s at 10/s on each member (20/s for the group).
      const runs = await Promise.all(
        [0, 1].map((i) =>
          runUac({
            scenario: scenario('uac_overload.xml'),
            target: `127.0.0.1:${configs[i].sipPort}`,
            transport: 'udp',
            calls: 60,
            rate: 10,
          }),
        ),
      );
      for (const r of runs) expect(r.failed, r.output).toBe(0);
      const st = await Promise.all([0, 1].map((i) => rig.status(i)));
      const calls = st[0].counters.calls + st[1].counters.calls;
      const refused = st[0].counters.rejectedOverload + st[1].counters.rejectedOverload;
      expect(calls + refused).toBe(120);
      // One process alone would admit its 60 (10/s each): the group admits about 6 s x 10/s plus the bursts.
      expect(calls).toBeLessThanOrEqual(85);
      expect(refused).toBeGreaterThanOrEqual(35);
      expect(st[0].groupShared!.overloadShare! + st[1].groupShared!.overloadShare!).toBeCloseTo(10, 0);
    } finally {
      await rig.stop();
      await uas.kill();
    }
  });
});
