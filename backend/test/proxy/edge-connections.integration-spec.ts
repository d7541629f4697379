/**
 * Issue 13 §2 over real sockets: TCP/TLS connections are bounded and short-lived until they prove themselves.
 * The worker runs as its own process (the built standalone CLI on a YAML document), so its descriptors
 * (/proc/<pid>/fd) and RSS are its own. From several loopback addresses, thousands of silent TCP connections and
 * half-open TLS connections (silent, or a ClientHello cut short); within the deadlines the worker's descriptor count
 * returns to its baseline while a plain OPTIONS over TCP is answered throughout. Over-long header lines and
 * over-size messages get 400 / 513 and the connection is closed. Every loop is bounded in count and time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/product.js';
import { freePort, sleep, waitFor } from '../helpers/net.js';
import { makeTestPki, type TestPki } from '../tls/certs.js';
import { branch, request } from '../tls/sip-peer.js';

const CLI = join(REPO_ROOT, 'backend/dist/backend/src/worker/cli.js');
const FIRST_MESSAGE_S = 2;
const INBOUND_IDLE_S = 3;
const PER_ADDRESS = 400;

let pki: TestPki;
let worker: ChildProcess;
let out = '';
let sipPort = 0;
let tlsPort = 0;
let httpPort = 0;

function document(): string {
  return `version: 1
applications:
  - { name: SIPServer_A, type: sip-server, host: 127.0.0.1, ports: { sip-port: ${sipPort + 1} }, backup: SIPServer_A_backup }
  - { name: SIPServer_A_backup, type: sip-server, host: 127.0.0.2, ports: { sip-port: ${sipPort + 1} } }
  - name: SIPProxy_Edge
    type: sip-proxy
    host: 127.0.0.1
    ports: { sip-port: ${sipPort}, tls-port: ${tlsPort}, http-port: ${httpPort} }
    options:
      sipproxy:
        applications: SIPServer_A
        servicing-sipserver: SIPServer_A
        sipproxy-role: 10
        connection-first-message-timeout: ${FIRST_MESSAGE_S}
        inbound-connection-idle-timeout: ${INBOUND_IDLE_S}
        max-connections-per-address: ${PER_ADDRESS}
        max-line-length: 1024
        max-message-size: 4096
      security:
        certificate: ${pki.proxyCert}
        certificate-key: ${pki.proxyKey}
        trusted-ca: ${pki.ca}
switches:
  - name: SiteA
    sip-server: SIPServer_A
    dns:
      - { number: pool, type: voip-service, options: { TServer: { service-type: sip-outbound-proxy, contact: "127.0.0.1:${sipPort}", external-contact: "127.0.0.1:${sipPort}", oos-check: 5, oos-force: 5 } } }
`;
}

const fds = (): number => readdirSync(`/proc/${worker.pid}/fd`).length;
const rssMiB = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

interface Answer {
  text: string;
  closed: boolean;
}

/**
 * Opens a TCP connection, writes `data` (all at once, or chunk by chunk), collects what comes back until close, `ms`,
 * or (when given) `until` matches.
 */
function exchange(data: string | string[], ms = 5000, until?: RegExp): Promise<Answer> {
  return new Promise((resolve) => {
    let text = '';
    const s = net.connect({ host: '127.0.0.1', port: sipPort, localAddress: '127.0.0.1' });
    const done = (closed: boolean): void => {
      clearTimeout(t);
      s.destroy();
      resolve({ text, closed });
    };
    const t = setTimeout(() => done(false), ms);
    s.on('connect', () => {
      for (const c of Array.isArray(data) ? data : [data]) s.write(c);
    });
    s.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (until?.test(text)) done(false);
    });
    s.on('error', () => undefined);
    s.on('close', () => done(true));
  });
}

function options(): string {
  return request('OPTIONS', `sip:127.0.0.1:${sipPort};transport=tcp`, {
    via: `SIP/2.0/TCP 127.0.0.1:5999;branch=${branch()}`,
    callId: `edge-${branch()}`,
    to: `<sip:127.0.0.1:${sipPort}>`,
  });
}

/** A well-behaved client: one OPTIONS on a fresh connection, answered 200? */
async function served(): Promise<boolean> {
  const a = await exchange(options(), 5000, /^SIP\/2\.0 \d{3} .*\r\n\r\n/s);
  return /^SIP\/2\.0 200 /.test(a.text);
}

async function status(): Promise<{ transport: { openConnections: number; pendingHandshakes: number; stream: Record<string, number> } }> {
  return (await (await fetch(`http://127.0.0.1:${httpPort}/status?limit=1`)).json()) as never;
}

beforeAll(async () => {
  pki = makeTestPki();
  sipPort = await freePort();
  tlsPort = await freePort();
  httpPort = await freePort();
  const file = join(pki.dir, 'edge.yaml');
  writeFileSync(file, document());
  worker = spawn(process.execPath, [CLI, '--config', file, '--app', 'SIPProxy_Edge'], { stdio: ['ignore', 'pipe', 'pipe'] });
  worker.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20000)));
  worker.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20000)));
  await waitFor(
    async () => worker.exitCode === null && (await served().catch(() => false)),
    30_000,
    `the worker answering OPTIONS over TCP\n${out}`,
    250,
  );
});

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker.once('exit', r));
    worker.kill('SIGKILL');
    await exited;
  }
  pki?.cleanup();
});

/** Opens `count` sockets from `localAddress` to `port` in bounded batches; `first` is written once connected. */
async function flood(port: number, localAddress: string, count: number, first?: Buffer): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i += 100) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(count, i + 100); j++) {
      const s = net.connect({ host: '127.0.0.1', port, localAddress });
      s.on('error', () => undefined);
      sockets.push(s);
      batch.push(
        new Promise((r) => {
          const t = setTimeout(r, 5000);
          s.once('connect', () => {
            if (first) s.write(first);
            clearTimeout(t);
            r();
          });
          s.once('close', () => {
            clearTimeout(t);
            r();
          });
        }),
      );
    }
    await Promise.all(batch);
  }
  return sockets;
}

describe('connections prove themselves (issue 13 §2)', () => {
  it('thousands of silent TCP and half-open TLS connections from several addresses: closed within the deadlines, descriptors back to baseline, a client served throughout', async () => {
    const baseFds = fds();
    const baseRss = rssMiB();
    // Four attacking addresses; TCP: 500 silent each (over the per-address cap of 400 together with the TLS ones).
    const attackers = ['127.0.0.21', '127.0.0.22', '127.0.0.23', '127.0.0.24'];
    // The start of a TLS ClientHello (record header + a few bytes): a handshake that never completes.
    const cutHello = Buffer.from([0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x00, 0xc4, 0x03, 0x03]);
    const probes: boolean[] = [];
    let probing = true;
    const prober = (async () => {
      for (let i = 0; i < 200 && probing; i++) {
        probes.push(await served());
        await sleep(200);
      }
    })();
    let peakFds = baseFds;
    let peakRss = baseRss;
    const sample = setInterval(() => {
      try {
        peakFds = Math.max(peakFds, fds());
        peakRss = Math.max(peakRss, rssMiB());
      } catch {
        // the worker went away: the assertions below say so
      }
    }, 100);
    const all: net.Socket[] = [];
    try {
      for (const a of attackers) {
        all.push(...(await flood(sipPort, a, 500)));
        all.push(...(await flood(tlsPort, a, 150)));
        all.push(...(await flood(tlsPort, a, 150, cutHello)));
      }
      const opened = all.length;
      const st = await status();
      // Half-open TLS connections are counted while they last: never more than the caps allow.
      expect(st.transport.openConnections + st.transport.pendingHandshakes).toBeLessThanOrEqual(attackers.length * PER_ADDRESS + 10);
      // Every attacking socket is closed by the worker (first-message deadline, handshake deadline or the cap).
      await waitFor(() => all.every((s) => s.destroyed || s.closed), 30_000, 'the worker closing every silent connection');
      await waitFor(() => fds() <= baseFds + 2, 30_000, `the worker's descriptors back to baseline (${baseFds})`);
      const after = await status();
      const c = after.transport.stream;
      console.log(
        `edge flood: ${opened} sockets from ${attackers.length} addresses; worker fds baseline ${baseFds}, peak ${peakFds}, after ${fds()}; ` +
          `RSS baseline ${baseRss.toFixed(1)} MiB, peak ${peakRss.toFixed(1)} MiB, after ${rssMiB().toFixed(1)} MiB; ` +
          `refused by cap ${c.rejectedByLimit}, first-message timeouts ${c.firstMessageTimeouts}, handshake timeouts ${c.handshakeTimeouts}, ` +
          `probes answered ${probes.filter(Boolean).length}/${probes.length}`,
      );
      expect(c.firstMessageTimeouts).toBeGreaterThan(0);
      expect(c.handshakeTimeouts).toBeGreaterThan(0);
      expect(c.rejectedByLimit).toBeGreaterThan(0);
      expect(after.transport.pendingHandshakes).toBe(0);
      expect(peakRss).toBeLessThan(baseRss + 256);
    } finally {
      probing = false;
      clearInterval(sample);
      await prober;
      for (const s of all) s.destroy();
    }
    expect(probes.length).toBeGreaterThan(5);
    expect(probes.every(Boolean), `probes: ${probes.map((p) => (p ? 'ok' : 'MISSED')).join(' ')}\n${out}`).toBe(true);
  });

  it('a connection that sent a message but no registered flow is closed after inbound-connection-idle-timeout', async () => {
    const a = await exchange(options(), (INBOUND_IDLE_S + 10) * 1000);
    expect(a.text).toMatch(/^SIP\/2\.0 200 /);
    expect(a.closed).toBe(true);
  });

  it('an over-long header line is answered 400 (start line and Via parsed) and the connection closed', async () => {
    const head = options()
      .split('\r\n\r\n')[0]
      .replace(/\r\nContent-Length: 0$/, '');
    // Sent in pieces: the line is found too long as it streams in, long before max-message-size.
    const a = await exchange([head + '\r\nX-Long: ', 'a'.repeat(800), 'a'.repeat(800)], 8000);
    expect(a.text).toMatch(/^SIP\/2\.0 400 Header Line Too Long\r\n/);
    expect(a.text).toMatch(/\r\nCSeq: 1 OPTIONS\r\n/);
    expect(a.closed).toBe(true);
  });

  it('a header section past max-message-size is answered 513 and the connection closed', async () => {
    const head =
      options()
        .split('\r\n\r\n')[0]
        .replace(/\r\nContent-Length: 0$/, '') + '\r\n';
    const pad = Array.from({ length: 60 }, (_, i) => `X-Pad-${i}: ${'b'.repeat(90)}\r\n`);
    const a = await exchange([head, ...pad], 8000);
    expect(a.text).toMatch(/^SIP\/2\.0 513 Message Too Large\r\n/);
    expect(a.closed).toBe(true);
  });
});
