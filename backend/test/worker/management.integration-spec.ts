/**
 * Issue 13 §3 over real sockets: the management port (/status, /metrics, /health) is not a public door.
 * A non-loopback address exists only in a network namespace this test creates (`unshare -n`, an address on its
 * own lo), where two worker processes (the built standalone CLI) run: one whose SIP address is that non-loopback
 * address and no http-address (management must stay on loopback), one with http-address on it and an http-token
 * (everything but /health needs the token), and a third with http-address there and http-client-ca (mutual TLS:
 * HTTPS, a client certificate from that CA in place of the token). Requests are made inside the namespace with curl
 * (nsenter).
 * Paging: an in-process worker with 250 TCP connections pages /status by cursor.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/product.js';
import { freePort, waitFor } from '../helpers/net.js';
import { startProxy } from '../proxy/peers.js';
import { makeTestPki, type TestPki } from '../tls/certs.js';
import { branch, request } from '../tls/sip-peer.js';
import type { WorkerStatus } from '../../src/worker/proxy-worker.js';

const CLI = join(REPO_ROOT, 'backend/dist/backend/src/worker/cli.js');
const PUBLIC = '10.99.0.1';
const TOKEN = 'mgmt-token-0123456789abcdef';

function doc(name: string, sipAddress: string, sipPort: number, httpPort: number, extra: string, security = ''): string {
  return `version: 1
applications:
  - { name: SIPServer_A, type: sip-server, host: 127.0.0.1, ports: { sip-port: ${sipPort + 1} }, backup: SIPServer_A_backup }
  - { name: SIPServer_A_backup, type: sip-server, host: 127.0.0.2, ports: { sip-port: ${sipPort + 1} } }
  - name: ${name}
    type: sip-proxy
    host: ${sipAddress}
    ports: { sip-port: ${sipPort}, http-port: ${httpPort} }
    options:
      sipproxy: { applications: SIPServer_A, servicing-sipserver: SIPServer_A, sipproxy-role: 10, sip-address: ${sipAddress}${extra} }
${security ? `      security: { ${security} }\n` : ''}switches:
  - name: SiteA
    sip-server: SIPServer_A
    dns:
      - { number: pool, type: voip-service, options: { TServer: { service-type: sip-outbound-proxy, contact: "${sipAddress}:${sipPort}", external-contact: "${sipAddress}:${sipPort}", oos-check: 5, oos-force: 5 } } }
`;
}

let ns: ChildProcess | undefined;
let dir = '';
let pki: TestPki;
const ports = { sipA: 0, httpA: 0, sipB: 0, httpB: 0, sipC: 0, httpC: 0 };

/** curl inside the namespace: the HTTP status code, or 0 when it could not connect. */
function curl(url: string, headers: string[] = [], extra: string[] = []): number {
  const r = spawnSync(
    'nsenter',
    [
      '-t',
      String(ns!.pid),
      '-n',
      'curl',
      '-s',
      '-o',
      '/dev/null',
      '-m',
      '3',
      '-w',
      '%{http_code}',
      ...extra,
      ...headers.flatMap((h) => ['-H', h]),
      url,
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  return Number(r.stdout.trim() || 0);
}

/**
 * HTTPS to SIPProxy_C in the namespace, its certificate verified against the test CA under the name it carries
 * (localhost; the connection goes to PUBLIC), with `client` as the client certificate when given.
 */
function curlTls(path: string, client?: { cert: string; key: string }, headers: string[] = []): number {
  const args = [
    '--cacert',
    pki.ca,
    '--connect-to',
    `localhost:${ports.httpC}:${PUBLIC}:${ports.httpC}`,
    ...(client ? ['--cert', client.cert, '--key', client.key] : []),
  ];
  return curl(`https://localhost:${ports.httpC}${path}`, headers, args);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mgmt-it-'));
  pki = makeTestPki();
  for (const k of Object.keys(ports) as (keyof typeof ports)[]) ports[k] = await freePort();
  writeFileSync(join(dir, 'a.yaml'), doc('SIPProxy_A', PUBLIC, ports.sipA, ports.httpA, ''));
  writeFileSync(join(dir, 'b.yaml'), doc('SIPProxy_B', PUBLIC, ports.sipB, ports.httpB, `, http-address: ${PUBLIC}, http-token: ${TOKEN}`));
  writeFileSync(
    join(dir, 'c.yaml'),
    doc(
      'SIPProxy_C',
      PUBLIC,
      ports.sipC,
      ports.httpC,
      `, http-address: ${PUBLIC}, http-client-ca: ${pki.ca}`,
      `certificate: ${pki.proxyCert}, certificate-key: ${pki.proxyKey}`,
    ),
  );
  const script = [
    'ip link set lo up',
    `ip addr add ${PUBLIC}/32 dev lo`,
    `"${process.execPath}" "${CLI}" --config "${dir}/a.yaml" --app SIPProxy_A &`,
    `"${process.execPath}" "${CLI}" --config "${dir}/b.yaml" --app SIPProxy_B &`,
    `"${process.execPath}" "${CLI}" --config "${dir}/c.yaml" --app SIPProxy_C &`,
    'wait',
  ].join('\n');
  // Its own process group, so afterAll ends exactly what it started.
  ns = spawn('unshare', ['-n', 'sh', '-c', script], { stdio: 'ignore', detached: true });
  await waitFor(
    () =>
      curl(`http://127.0.0.1:${ports.httpA}/health`) === 200 &&
      curl(`http://${PUBLIC}:${ports.httpB}/health`) === 200 &&
      curlTls('/health') === 200,
    30_000,
    'the three workers serving /health in the namespace',
    250,
  );
});

afterAll(async () => {
  if (ns?.pid !== undefined && ns.exitCode === null) {
    const exited = new Promise((r) => ns!.once('exit', r));
    process.kill(-ns.pid, 'SIGKILL');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  pki?.cleanup();
});

describe('the management port is not a public door (issue 13 §3)', () => {
  it('binds loopback when no http-address is set, even when the SIP address is public', () => {
    expect(curl(`http://${PUBLIC}:${ports.httpA}/status`)).toBe(0);
    expect(curl(`http://127.0.0.1:${ports.httpA}/status`)).toBe(200);
    expect(curl(`http://127.0.0.1:${ports.httpA}/metrics`)).toBe(200);
  });

  it('on a configured non-loopback address: /health open, /status and /metrics need the token', () => {
    const base = `http://${PUBLIC}:${ports.httpB}`;
    expect(curl(`${base}/health`)).toBe(200);
    expect(curl(`${base}/status`)).toBe(401);
    expect(curl(`${base}/metrics`)).toBe(401);
    expect(curl(`${base}/status`, ['Authorization: Bearer wrong-token-0123456789'])).toBe(403);
    expect(curl(`${base}/status`, [`Authorization: Bearer ${TOKEN}`])).toBe(200);
    expect(curl(`${base}/metrics`, [`Authorization: Bearer ${TOKEN}`])).toBe(200);
    // Not on loopback either: the port is bound to the configured address only.
    expect(curl(`http://127.0.0.1:${ports.httpB}/health`)).toBe(0);
  });

  it('with http-client-ca (mutual TLS): HTTPS; /health open, /status and /metrics need a client certificate from that CA', () => {
    const client = { cert: pki.clientCert, key: pki.clientKey };
    const foreign = { cert: pki.foreignClientCert, key: pki.foreignClientKey };
    expect(curlTls('/health')).toBe(200);
    expect(curlTls('/status')).toBe(403);
    expect(curlTls('/metrics')).toBe(403);
    expect(curlTls('/status', foreign), 'a certificate from another CA').toBe(403);
    expect(curlTls('/status', client)).toBe(200);
    expect(curlTls('/metrics', client)).toBe(200);
    // Plain HTTP is not served there at all.
    expect(curl(`http://${PUBLIC}:${ports.httpC}/health`)).not.toBe(200);
  });
});

describe('/status pages its connection list', () => {
  it('250 connections: 100 per page by default, a cursor to the next page, every connection exactly once', async () => {
    const proxy = await startProxy({ connectionFirstMessageTimeoutS: 0 });
    const sockets: net.Socket[] = [];
    try {
      for (let i = 0; i < 250; i++) {
        const s = net.connect({ host: '127.0.0.1', port: proxy.port });
        s.on('error', () => undefined);
        s.on('connect', () =>
          s.write(
            request('OPTIONS', `sip:127.0.0.1:${proxy.port};transport=tcp`, {
              via: `SIP/2.0/TCP 127.0.0.1:5999;branch=${branch()}`,
              callId: `pg-${i}`,
              to: `<sip:127.0.0.1:${proxy.port}>`,
            }),
          ),
        );
        sockets.push(s);
      }
      await waitFor(() => proxy.worker.transport.stats().openConnections === 250, 15_000, '250 connections open');
      const first = JSON.parse((await proxy.get('/status')).body) as WorkerStatus;
      expect(first.connections.length).toBe(100);
      expect(first.connectionsPage).toMatchObject({ total: 250, limit: 100 });
      const seen = new Set(first.connections.map((c) => c.id));
      let next = first.connectionsPage?.next;
      let pages = 1;
      while (next !== undefined && pages < 10) {
        const p = JSON.parse((await proxy.get(`/status?limit=100&after=${next}`)).body) as WorkerStatus;
        for (const c of p.connections) seen.add(c.id);
        next = p.connectionsPage?.next;
        pages++;
      }
      expect(pages).toBe(3);
      expect(seen.size).toBe(250);
      expect(JSON.parse((await proxy.get('/status?limit=100000')).body).connections.length).toBe(250);
      expect((await proxy.get('/status?limit=abc')).status).toBe(400);
      expect((await proxy.get('/status?after=%00')).status).toBe(400);
    } finally {
      for (const s of sockets) s.destroy();
      await proxy.stop();
    }
  });
});
