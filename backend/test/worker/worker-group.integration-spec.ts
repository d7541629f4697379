import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/product.js';
import { freePort, sleep, waitFor } from '../helpers/net.js';
import { header, responseTo, SipTap } from '../helpers/sip-tap.js';
import type { WorkerStatus } from '../../src/worker/proxy-worker.js';

/**
 * A worker group (`[sipproxy] worker-processes: 2`) run by the built standalone CLI, over real processes and sockets:
 *
 * - Retransmissions reach the member that holds the transaction: 24 INVITEs from 24 source ports, each retransmitted
 *   by its client (which treats the 100 Trying as lost and keeps Timer A running until the final answer, 1.5 s later).
 *   The SIP Server counts each call's forwarded copies by branch: exactly one client transaction per call, although
 *   both members served calls (two Via ports). The node:cluster shared socket this replaced handed a retransmission to
 *   whichever process woke first, which forwarded it again as a new transaction (this test failed on it: see
 *   BENCH_SUT below).
 *   Loss: `tc qdisc ... netem` is not available on the test box (no sch_netem, no iptables/nft), so the loss is
 *   emulated at the client: it ignores provisional responses, as if each 100 Trying were lost on the way.
 * - Killing a member (SIGKILL by its pid): the other keeps serving every source; the member is forked again and
 *   serves; /status and /metrics of the group list both members.
 * - TCP: connections to the public port are accepted by both members (SO_REUSEPORT on the listen sockets).
 * - SIGTERM to the supervisor stops the group as a whole; a supervisor killed outright leaves no member behind.
 *
 * BENCH_SUT=1 runs the retransmission case against `bench-sut.js` with BENCH_WORKERS=2 instead, and
 * BENCH_SUT=/path/to/bench-sut.js against another build's (the entry whose group mode was the shared socket: this
 * case failed against the build before SO_REUSEPORT: 17 of 24 calls forwarded as two client transactions).
 */
const CLI = join(REPO_ROOT, 'backend/dist/backend/src/worker/cli.js');
const BENCH = process.env.BENCH_SUT?.endsWith('.js')
  ? process.env.BENCH_SUT
  : join(REPO_ROOT, 'backend/dist/backend/src/worker/bench-sut.js');
const dir = mkdtempSync(join(tmpdir(), 'sipedge-group-'));
const started: ChildProcess[] = [];
let uas: SipTap;
let sipPort: number;
let httpPort: number;
let uasPort: number;
let group: ChildProcess;
let out = '';

const alive = (pid: number | undefined): boolean => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function documentYaml(workerProcesses: number): string {
  return `version: 1
applications:
  - { name: SIPServer_A, type: sip-server, host: 127.0.0.1, ports: { sip-port: ${uasPort} }, backup: SIPServer_A_backup }
  - { name: SIPServer_A_backup, type: sip-server, host: 127.0.0.2, ports: { sip-port: ${uasPort} } }
  - name: SIPProxy_1
    type: sip-proxy
    host: 127.0.0.1
    ports: { sip-port: ${sipPort}, http-port: ${httpPort} }
    options:
      sipproxy: { applications: SIPServer_A, servicing-sipserver: SIPServer_A, sipproxy-role: 10, worker-processes: ${workerProcesses} }
switches:
  - name: SiteA
    sip-server: SIPServer_A
    dns:
      - number: sipproxy-pool
        type: voip-service
        options:
          TServer: { service-type: sip-outbound-proxy, contact: "127.0.0.1:${sipPort}", external-contact: "127.0.0.1:${sipPort}", oos-check: 5, oos-force: 5 }
`;
}

async function status(): Promise<WorkerStatus> {
  const r = await fetch(`http://127.0.0.1:${httpPort}/status`);
  return (await r.json()) as WorkerStatus;
}

const membersUp = async (n: number): Promise<boolean> => {
  try {
    const g = (await status()).group;
    return g !== undefined && g.members.filter((m) => m.up).length === n;
  } catch {
    return false;
  }
};

/** One INVITE client transaction from its own source port (RFC 3261 §17.1.1), provisional responses "lost". */
async function call(id: string): Promise<{ final: number; copies: number }> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const local = sock.address().port;
  const branch = `z9hG4bK-grp-${id}`;
  const head = (method: string) =>
    [
      `${method} sip:1001@127.0.0.1:${sipPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport`,
      'Max-Forwards: 70',
      `From: <sip:caller@127.0.0.1:${local}>;tag=c${id}`,
      `To: <sip:1001@127.0.0.1>`,
      `Call-ID: group-${id}`,
      `CSeq: 1 ${method}`,
      `Contact: <sip:caller@127.0.0.1:${local}>`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  let final = 0;
  let toTag = '';
  sock.on('message', (m) => {
    const t = m.toString('latin1');
    const st = Number(/^SIP\/2\.0 (\d{3})/.exec(t)?.[1] ?? 0);
    if (st >= 200 && !final) {
      final = st;
      toTag = header(t, 'To') ?? '';
    }
  });
  let copies = 0;
  let interval = 500;
  const deadline = Date.now() + 10_000;
  try {
    while (!final && Date.now() < deadline) {
      sock.send(head('INVITE'), sipPort, '127.0.0.1');
      copies++;
      const until = Date.now() + interval;
      while (!final && Date.now() < until) await sleep(20);
      interval = Math.min(interval * 2, 4000);
    }
    // §17.1.1.3: the ACK of a non-2xx final response, same branch, To with the tag.
    if (final)
      sock.send(
        head('ACK')
          .replace(/^To: .*$/m, `To: ${toTag}`)
          .replace('CSeq: 1 ACK', 'CSeq: 1 ACK'),
        sipPort,
        '127.0.0.1',
      );
  } finally {
    sock.close();
  }
  return { final, copies };
}

/** Per Call-ID, the distinct branches (client transactions) the SIP Server received, and the members' Via ports. */
function forwarded(prefix: string): { branches: Map<string, Set<string>>; viaPorts: Set<number> } {
  const branches = new Map<string, Set<string>>();
  const viaPorts = new Set<number>();
  for (const m of uas.messages) {
    if (m.method !== 'INVITE') continue;
    const callId = header(m.text, 'Call-ID') ?? '';
    if (!callId.startsWith(prefix)) continue;
    const via = header(m.text, 'Via') ?? '';
    const b = /;branch=([^;,\s]+)/.exec(via)?.[1] ?? '';
    viaPorts.add(Number(/^SIP\/2\.0\/UDP [^:]+:(\d+)/i.exec(via)?.[1] ?? 0));
    if (!branches.has(callId)) branches.set(callId, new Set());
    branches.get(callId)!.add(b);
  }
  return { branches, viaPorts };
}

function startGroup(): ChildProcess {
  const child = process.env.BENCH_SUT
    ? spawn(process.execPath, [BENCH], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          SUT_PORT: String(sipPort),
          UAS_PORT: String(uasPort),
          BENCH_WORKERS: '2',
          BENCH_HTTP_PORT: String(httpPort),
        },
      })
    : spawn(process.execPath, [CLI, '--config', join(dir, 'group.yaml'), '--app', 'SIPProxy_1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return child;
}

beforeAll(async () => {
  sipPort = await freePort();
  httpPort = await freePort();
  uasPort = await freePort();
  uas = await new SipTap('127.0.0.1', uasPort).start();
  // OPTIONS probes: 200 at once. INVITE: 180 at once (the proxy's forward timer stops) and the final answer 1.5 s
  // later, to the member's own port in Via, so the client's Timer A fires meanwhile.
  uas.answer = (m) => {
    if (m.method !== 'INVITE') return responseTo(m.text, 200, 'OK');
    const viaPort = Number(/^SIP\/2\.0\/UDP [^:]+:(\d+)/i.exec(header(m.text, 'Via') ?? '')?.[1]);
    const busy = responseTo(m.text, 486, 'Busy Here');
    setTimeout(() => uas.sendUdp(busy, viaPort), 1500);
    return responseTo(m.text, 180, 'Ringing');
  };
  writeFileSync(join(dir, 'group.yaml'), documentYaml(2));
  group = startGroup();
  await waitFor(
    async () => {
      if (group.exitCode !== null) throw new Error(`the group exited ${group.exitCode}:\n${out}`);
      if (process.env.BENCH_SUT) {
        try {
          await status();
          return true;
        } catch {
          return false;
        }
      }
      return membersUp(2);
    },
    30_000,
    `a group of 2 up\n${out}`,
    200,
  );
  // Each member's HA pair is probed by that member: wait until the one on the management port sees it active.
  await waitFor(async () => (await status()).pairs.some((p) => p.state === 'primary-active'), 15_000, 'the pair active', 200);
  await sleep(1000);
}, 60_000);

afterAll(async () => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await uas?.stop();
});

describe('a worker group of 2 (worker-processes: 2) over UDP with SO_REUSEPORT', () => {
  it('forwards each INVITE once although its client retransmitted it, and both members serve', async () => {
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => call(`rtx-${i}`)));
    await sleep(300);
    const { branches, viaPorts } = forwarded('group-rtx-');
    const copies = results.reduce((n, r) => n + r.copies, 0);
    const extra = [...branches].filter(([, b]) => b.size > 1).map(([c, b]) => `${c}: ${b.size} client transactions`);
    console.log(
      `worker-group: 24 calls, ${copies} INVITE copies sent by the clients, ${branches.size} calls reached the SIP Server, ${extra.length} forwarded more than once; members' Via ports ${[...viaPorts].join(', ')}`,
    );
    expect(results.map((r) => r.final)).toEqual(Array(24).fill(486));
    // Retransmissions did happen: every client sent its INVITE at least twice (0 s, 0.5 s, 1.5 s).
    expect(Math.min(...results.map((r) => r.copies))).toBeGreaterThanOrEqual(2);
    expect(branches.size).toBe(24);
    expect(extra, 'calls forwarded as more than one client transaction').toEqual([]);
    expect(viaPorts.size, 'both members forwarded calls (each names its own port in Via)').toBe(2);
  }, 60_000);
});

describe.skipIf(Boolean(process.env.BENCH_SUT))('the group as one instance: status, a member killed, TCP, stop', () => {
  it('/status and /metrics list the members (index, pid, up)', async () => {
    const st = await status();
    expect(st.group).toMatchObject({ size: 2, index: 0 });
    expect(st.group!.members.map((m) => [m.index, m.up, alive(m.pid)])).toEqual([
      [0, true, true],
      [1, true, true],
    ]);
    expect(st.group!.members[0].pid).toBe(st.pid);
    expect(st.group!.supervisorPid).toBe(group.pid);
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    for (const m of st.group!.members)
      expect(metrics).toContain(`sipproxy_group_member_up{app="SIPProxy_1",index="${m.index}",pid="${m.pid}"} 1`);
  });

  it('a member killed by its pid: the other serves every source meanwhile, the member comes back and serves', async () => {
    const before = (await status()).group!.members[1];
    process.kill(before.pid!, 'SIGKILL');
    await waitFor(async () => !(await status()).group!.members[1].up, 5000, 'member 1 seen down');
    // While it is away (the supervisor's first back-off is 0.5 s) every source is served by member 0.
    const during = await Promise.all(Array.from({ length: 8 }, (_, i) => call(`down-${i}`)));
    expect(during.map((r) => r.final)).toEqual(Array(8).fill(486));
    await waitFor(() => membersUp(2), 15_000, 'member 1 back');
    const after = (await status()).group!.members[1];
    expect(after.pid).not.toBe(before.pid);
    expect(alive(after.pid)).toBe(true);
    expect(after.restarts).toBe(1);
    await sleep(1000); // its pair probed active
    uas.messages.length = 0;
    await Promise.all(Array.from({ length: 16 }, (_, i) => call(`back-${i}`)));
    expect(forwarded('group-back-').viaPorts.size, 'the restarted member serves again').toBe(2);
  }, 60_000);

  it('TCP: connections to the public port are accepted by both members', async () => {
    const socks: net.Socket[] = [];
    try {
      for (let i = 0; i < 16; i++) {
        const s = net.connect(sipPort, '127.0.0.1');
        await new Promise<void>((r, j) => {
          s.once('connect', () => r());
          s.once('error', j);
        });
        socks.push(s);
      }
      await sleep(200);
      const ss = spawnSync('ss', ['-Htnp', 'state', 'established', `( sport = :${sipPort} )`], { encoding: 'utf8' });
      const pids = new Set([...ss.stdout.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])));
      const members = (await status()).group!.members.map((m) => m.pid);
      expect([...pids].sort(), ss.stdout).toEqual([...members].sort());
    } finally {
      for (const s of socks) s.destroy();
    }
  });

  it('SIGTERM to the supervisor stops every member; a supervisor killed outright leaves none behind', async () => {
    const pids = (await status()).group!.members.map((m) => m.pid!);
    group.kill('SIGTERM');
    await new Promise((r) => (group.exitCode !== null ? r(null) : group.once('exit', r)));
    expect(group.exitCode).toBe(0);
    expect(pids.filter(alive)).toEqual([]);

    group = startGroup();
    await waitFor(() => membersUp(2), 30_000, `the group up again\n${out}`, 200);
    const again = (await status()).group!.members.map((m) => m.pid!);
    group.kill('SIGKILL');
    await waitFor(() => again.every((p) => !alive(p)), 10_000, 'members gone with their supervisor');
  }, 60_000);
});
