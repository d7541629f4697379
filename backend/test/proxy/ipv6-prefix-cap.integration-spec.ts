/**
 * Issue 13 §2 over real sockets: IPv6 sources are capped per /64 as well as per address (max-connections-per-ipv6-
 * prefix). An IPv6 host commonly holds a whole /64 (RFC 4291 §2.5.4, SLAAC), so one attacker can open connections
 * from as many addresses as it likes; only the /64 bounds it.
 *
 * A network namespace of this test's own holds, on its loopback, the worker's address fd00:9::1/64, attacking
 * addresses fd00:1::1..N (one /64) and a well-behaved client fd00:2::1 (another /64). The built worker (the
 * standalone CLI) runs in the namespace (`ip netns exec` execs in place: the PID is the worker's, so its descriptors
 * are read from /proc); a small client (netns-tcp-client.mjs) runs there too and takes commands from this test.
 * Only PIDs started here are killed; the namespace is removed afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/product.js';
import { waitFor } from '../helpers/net.js';
import { request } from '../tls/sip-peer.js';

const CLI = join(REPO_ROOT, 'backend/dist/backend/src/worker/cli.js');
const CLIENT = join(REPO_ROOT, 'backend/test/proxy/netns-tcp-client.mjs');
const NS = `sipedge-v6-${process.pid}`;
const WORKER = 'fd00:9::1';
const SAME_64 = Array.from({ length: 12 }, (_, i) => `fd00:1::${(i + 1).toString(16)}`);
const OTHER_64 = 'fd00:2::1';
const PER_PREFIX = 8;
const SIP_PORT = 5060;
const HTTP_PORT = 8080;

function sh(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}
const canNetns = process.getuid?.() === 0 && sh(['ip', 'netns', 'list']).ok;

function document(): string {
  return `version: 1
applications:
  - { name: SIPServer_A, type: sip-server, host: 127.0.0.1, ports: { sip-port: ${SIP_PORT + 1} }, backup: SIPServer_A_backup }
  - { name: SIPServer_A_backup, type: sip-server, host: 127.0.0.2, ports: { sip-port: ${SIP_PORT + 1} } }
  - name: SIPProxy_V6
    type: sip-proxy
    host: "${WORKER}"
    ports: { sip-port: ${SIP_PORT}, http-port: ${HTTP_PORT} }
    options:
      sipproxy:
        applications: SIPServer_A
        servicing-sipserver: SIPServer_A
        sipproxy-role: 10
        max-connections-per-ipv6-prefix: ${PER_PREFIX}
switches:
  - name: SiteA
    sip-server: SIPServer_A
    dns:
      - { number: pool, type: voip-service, options: { TServer: { service-type: sip-outbound-proxy, contact: "[${WORKER}]:${SIP_PORT}", external-contact: "[${WORKER}]:${SIP_PORT}", oos-check: 5, oos-force: 5 } } }
`;
}

const options = (): string =>
  request('OPTIONS', `sip:[${WORKER}]:${SIP_PORT};transport=tcp`, {
    via: 'SIP/2.0/TCP [fd00::]:5999;branch=BRANCH',
    callId: 'CALLID',
    to: `<sip:[${WORKER}]:${SIP_PORT}>`,
  });

let dir = '';
let worker: ChildProcess | undefined;
let client: ChildProcess | undefined;
let out = '';
const answers: ((line: string) => void)[] = [];

/** One command to the client in the namespace, its JSON answer. */
function ask<T>(cmd: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer from the namespace client to ${JSON.stringify(cmd).slice(0, 80)}`)), 20_000);
    answers.push((line) => {
      clearTimeout(t);
      resolve(JSON.parse(line) as T);
    });
    client!.stdin!.write(`${JSON.stringify(cmd)}\n`);
  });
}
const send = (from: string) =>
  ask<{ status: number | null; closed: boolean }>({ op: 'send', from, host: WORKER, port: SIP_PORT, message: options(), ms: 3000 });
const fds = (): number => readdirSync(`/proc/${worker!.pid}/fd`).length;

describe.skipIf(!canNetns)('IPv6 sources are capped per /64 (issue 13 §2, network namespace)', () => {
  beforeAll(async () => {
    sh(['ip', 'netns', 'del', NS]);
    const setup = [
      ['ip', 'netns', 'add', NS],
      ['ip', 'netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up'],
      // nodad: usable at once (no duplicate address detection on a loopback of our own).
      ...[WORKER, ...SAME_64, OTHER_64].map((a) => ['ip', 'netns', 'exec', NS, 'ip', '-6', 'addr', 'add', `${a}/64`, 'dev', 'lo', 'nodad']),
    ];
    for (const cmd of setup) {
      const r = sh(cmd);
      expect(r.ok, `${cmd.join(' ')}: ${r.out}`).toBe(true);
    }
    dir = mkdtempSync(join(tmpdir(), 'sipedge-v6-'));
    writeFileSync(join(dir, 'v6.yaml'), document());
    worker = spawn('ip', ['netns', 'exec', NS, process.execPath, CLI, '--config', join(dir, 'v6.yaml'), '--app', 'SIPProxy_V6'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20000)));
    worker.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20000)));
    client = spawn('ip', ['netns', 'exec', NS, process.execPath, CLIENT], { stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: client.stdout! }).on('line', (line) => answers.shift()?.(line));
    await waitFor(
      async () => {
        if (worker!.exitCode !== null) throw new Error(`the worker exited (${worker!.exitCode}):\n${out}`);
        return (await send(OTHER_64)).status === 200;
      },
      30_000,
      `the worker answering OPTIONS over TCP on [${WORKER}]\n${out}`,
      250,
    );
    await ask({ op: 'closeAll' });
  });

  afterAll(async () => {
    for (const p of [client, worker]) {
      if (p && p.exitCode === null && p.signalCode === null) {
        const exited = new Promise((r) => p.once('exit', r));
        p.kill('SIGKILL');
        await exited;
      }
    }
    sh(['ip', 'netns', 'del', NS]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`${SAME_64.length} connections from distinct addresses of one /64: ${PER_PREFIX} served, the rest closed unanswered; another /64 still served; the /64 served again once its connections close`, async () => {
    await waitFor(() => fds() > 0, 1000, 'the worker descriptors');
    const baseFds = fds();
    // One connection an address, one after the other (each answered or closed before the next): the cap counts
    // the /64, not the address, so the per-address cap (1000 by default) plays no part.
    const results: { from: string; status: number | null; closed: boolean }[] = [];
    for (const from of SAME_64) results.push({ from, ...(await send(from)) });
    const peakFds = fds();
    const other = await send(OTHER_64);
    const st = await ask<{ status: number; body: { transport: { openConnections: number; stream: { rejectedByLimit: number } } } }>({
      op: 'get',
      url: `http://127.0.0.1:${HTTP_PORT}/status?limit=1`,
    });
    console.log(
      `ipv6 /64 cap ${PER_PREFIX}: ${results.map((r) => `${r.from} ${r.status ?? (r.closed ? 'closed' : 'silent')}`).join(', ')}; ` +
        `${OTHER_64} ${other.status}; worker fds baseline ${baseFds}, with the /64 held ${peakFds}; ` +
        `status ${st.status} openConnections ${st.body?.transport?.openConnections} rejectedByLimit ${st.body?.transport?.stream?.rejectedByLimit}`,
    );
    expect(results.slice(0, PER_PREFIX).map((r) => r.status)).toEqual(new Array(PER_PREFIX).fill(200));
    // Over the cap: accepted by the kernel, then destroyed by the worker before reading a byte.
    expect(results.slice(PER_PREFIX).map((r) => [r.status, r.closed])).toEqual(new Array(SAME_64.length - PER_PREFIX).fill([null, true]));
    expect(other.status).toBe(200);
    expect(st.status).toBe(200);
    expect(st.body.transport.stream.rejectedByLimit).toBe(SAME_64.length - PER_PREFIX);
    // The refused ones hold no descriptor: the worker holds the served /64 connections and the other client's.
    expect(peakFds).toBeLessThanOrEqual(baseFds + PER_PREFIX + 2);

    // The count is per open socket: once the /64's connections close, it is served again.
    await ask({ op: 'closeAll' });
    await waitFor(() => fds() <= baseFds + 1, 10_000, `the worker's descriptors back to baseline (${baseFds})`);
    expect((await send(SAME_64[SAME_64.length - 1])).status).toBe(200);
    await ask({ op: 'closeAll' });
  });
});
