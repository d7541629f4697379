import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';
import { SipServer } from '../helpers/sip-servers.js';
import { freePort, waitFor } from '../helpers/net.js';
import { scenario } from '../helpers/sipp.js';

/**
 * A call across two sites through a multi-site Trunk DN, end to end over real sockets, under the real control plane:
 * both sites' proxy pools run as embedded workers of the product, SIPp plays the SIP Servers. SiteA's SIP Server
 * (a SIPp UAC on its own address, answering the proxies' OPTIONS with -aa) calls a number over its trunk
 * (contact sipserver.site-b.example, DNS-resolution mode): SiteA's proxy sends it to SiteB's pool
 * (peer-proxy-contact), which gives it to the active server of its pair (a SIPp UAS); 200, ACK and BYE follow the
 * Record-Route through both proxies. Then the same the other way, SiteB to SiteA.
 */
let product: Product;
let token: string;
const port = { serverA: 0, serverB: 0, proxyA: 0, proxyB: 0, httpA: 0, httpB: 0 };
const uas: SipServer[] = [];
const work = mkdtempSync(join(tmpdir(), 'two-site-'));

type State = {
  workers: { app: string; online: boolean }[];
  pairs: { name: string; state: string; views: { worker: string; state: string }[] }[];
};
const state = async (): Promise<State> => (await (await product.api('/service-state', { token })).json()) as State;

function deployment(): string {
  const proxy = (name: string, sipPort: number, httpPort: number, serving: string) => `  - name: ${name}
    type: sip-proxy
    host: 127.0.0.1
    ports: { sip-port: ${sipPort}, http-port: ${httpPort} }
    options: { sipproxy: { applications: "SIPServer_A,SIPServer_B", servicing-sipserver: ${serving}, sipproxy-role: 10, oos-check: 1, oos-force: 1 } }
`;
  const trunk = (remote: string, peer: number) => `      - number: to-site-${remote}
        type: trunk
        options: { TServer: { contact: sipserver.site-${remote}.example, peer-proxy-contact: "127.0.0.1:${peer}", resolve-external-contact: true, replace-uri-contact: true, oos-check: 5, oos-force: 5 } }
`;
  return `version: 1
applications:
  - { name: SIPServer_A, type: sip-server, host: 127.0.0.1, ports: { sip-port: ${port.serverA} }, backup: SIPServer_A_backup }
  - { name: SIPServer_A_backup, type: sip-server, host: 127.0.0.2, ports: { sip-port: ${port.serverA} } }
  - { name: SIPServer_B, type: sip-server, host: 127.0.0.1, ports: { sip-port: ${port.serverB} }, backup: SIPServer_B_backup }
  - { name: SIPServer_B_backup, type: sip-server, host: 127.0.0.2, ports: { sip-port: ${port.serverB} } }
${proxy('SIPProxy_A', port.proxyA, port.httpA, 'SIPServer_A')}${proxy('SIPProxy_B', port.proxyB, port.httpB, 'SIPServer_B')}switches:
  - name: SiteA
    sip-server: SIPServer_A
    dns:
      - { number: sipproxy-pool, type: voip-service, options: { TServer: { service-type: sip-outbound-proxy, contact: proxy.site-a.example, external-contact: "127.0.0.1:${port.proxyA}", oos-check: 5, oos-force: 5 } } }
${trunk('b', port.proxyB)}${perServerTrunk()}  - name: SiteB
    sip-server: SIPServer_B
    dns:
      - { number: sipproxy-pool, type: voip-service, options: { TServer: { service-type: sip-outbound-proxy, contact: proxy.site-b.example, external-contact: "127.0.0.1:${port.proxyB}", oos-check: 5, oos-force: 5 } } }
${trunk('a', port.proxyA)}`;
}

/**
 * The guide's other mode (DNS resolution not used): one Trunk DN per remote SIP Server, contact = its host:port,
 * peer-proxy-contact = the remote pool. SiteB's primary is also a server both proxies monitor, which is what used
 * to send such calls straight to it, past SiteB's proxy.
 */
const perServerTrunk = (): string => `      - number: to-site-b-primary
        type: trunk
        options: { TServer: { contact: "127.0.0.1:${port.serverB}", peer-proxy-contact: "127.0.0.1:${port.proxyB}", resolve-external-contact: true, oos-check: 5, oos-force: 5 } }
`;

/** SIP Server `fromPort` (127.0.0.1) calls over its trunk: a SIPp UAC sent to its site's proxy; exit code and message log. */
async function callOverTrunk(
  fromPort: number,
  proxyPort: number,
  trunkHost: string,
): Promise<{ exitCode: number | null; output: string; log: string }> {
  const log = join(work, `uac-${fromPort}.log`);
  const args = [
    `127.0.0.1:${proxyPort}`,
    '-sf',
    scenario('uac_trunk_call.xml', { TRUNK_HOST: trunkHost }),
    '-s',
    '2001',
    '-t',
    'u1',
    '-i',
    '127.0.0.1',
    '-p',
    String(fromPort),
    '-m',
    '1',
    '-r',
    '1',
    '-d',
    '200',
    '-aa',
    '-timeout',
    '30s',
    '-timeout_error',
    '-nostdin',
    '-trace_msg',
    '-message_file',
    log,
  ];
  const child = spawn('sipp', args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const hard = setTimeout(() => child.kill('SIGKILL'), 45_000);
  const exitCode = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearTimeout(hard);
  let text = '';
  try {
    text = readFileSync(log, 'latin1');
  } catch {
    /* no log */
  }
  return { exitCode, output, log: text };
}

/** The first received INVITE in a SIPp message log, as text. */
function receivedInvite(log: string): string {
  const block = log.split(/^-{10,} /m).find((b) => /message received[^\n]*\n\s*INVITE /.test(b));
  return block ?? '';
}

async function pairActive(name: string): Promise<void> {
  await waitFor(
    async () => {
      const p = (await state()).pairs.find((x) => x.name === name);
      return p !== undefined && p.views.length === 2 && p.views.every((v) => v.state === 'primary-active');
    },
    30_000,
    `${name} primary-active in both proxies`,
    200,
  );
}

beforeAll(async () => {
  for (const k of Object.keys(port) as (keyof typeof port)[]) port[k] = await freePort();
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'twosite'), WORKERS_ENABLED: 'true' });
  token = await product.login();
  await importYaml(product, token, deployment());
  await waitFor(
    async () => {
      const w = (await state()).workers;
      return ['SIPProxy_A', 'SIPProxy_B'].every((a) => w.some((x) => x.app === a && x.online));
    },
    60_000,
    "both pools' proxies online",
    200,
  );
}, 180_000);

afterAll(async () => {
  for (const s of uas) await s.kill();
  await product?.stop();
}, 60_000);

describe('a call across two sites through a Trunk DN', () => {
  it("SiteA's SIP Server calls SiteB over the trunk: through both pools, answered by SiteB's active server, ended by BYE", async () => {
    const serverB = new SipServer('127.0.0.1', port.serverB);
    uas.push(serverB);
    await serverB.start(120);
    await pairActive('SIPServer_B');
    const r = await callOverTrunk(port.serverA, port.proxyA, 'sipserver.site-b.example');
    expect(r.exitCode, `${r.output}\n${r.log}`).toBe(0);
    // SiteB's server got the INVITE through SiteB's proxy, which got it from SiteA's: three Vias, both proxies' RRs.
    const invite = receivedInvite(readFileSync(serverB.messageLog, 'latin1'));
    expect(invite).toMatch(/^INVITE sip:2001@/m);
    const vias = invite.match(/^Via: SIP\/2\.0\/UDP ([^;\s]+)/gim) ?? [];
    expect(vias.map((v) => v.replace(/^Via: SIP\/2\.0\/UDP /i, ''))).toEqual([
      `127.0.0.1:${port.proxyB}`,
      `127.0.0.1:${port.proxyA}`,
      `127.0.0.1:${port.serverA}`,
    ]);
    expect(invite).toMatch(new RegExp(`Record-Route: .*127\\.0\\.0\\.1:${port.proxyB}`, 'i'));
    expect(invite).toMatch(new RegExp(`Record-Route: .*127\\.0\\.0\\.1:${port.proxyA}`, 'i'));
    // The BYE took the same way (loose routes through both proxies) and was answered.
    expect(r.log).toMatch(/BYE /);
    expect(readFileSync(serverB.messageLog, 'latin1')).toMatch(/message received[^\n]*\n\s*BYE /);
    await serverB.kill();
  }, 90_000);

  it("SiteA's SIP Server calls SiteB over a per-server trunk (contact = SiteB primary host:port): via SiteA's proxy, then SiteB's", async () => {
    const serverB = new SipServer('127.0.0.1', port.serverB);
    uas.push(serverB);
    await serverB.start(120);
    await pairActive('SIPServer_B');
    const r = await callOverTrunk(port.serverA, port.proxyA, `127.0.0.1:${port.serverB}`);
    expect(r.exitCode, `${r.output}\n${r.log}`).toBe(0);
    const log = readFileSync(serverB.messageLog, 'latin1');
    const invite = receivedInvite(log);
    expect(invite).toMatch(/^INVITE sip:2001@/m);
    const vias = invite.match(/^Via: SIP\/2\.0\/UDP ([^;\s]+)/gim) ?? [];
    expect(vias.map((v) => v.replace(/^Via: SIP\/2\.0\/UDP /i, ''))).toEqual([
      `127.0.0.1:${port.proxyB}`,
      `127.0.0.1:${port.proxyA}`,
      `127.0.0.1:${port.serverA}`,
    ]);
    expect(invite).toMatch(new RegExp(`Record-Route: .*127\\.0\\.0\\.1:${port.proxyB}`, 'i'));
    expect(invite).toMatch(new RegExp(`Record-Route: .*127\\.0\\.0\\.1:${port.proxyA}`, 'i'));
    // ACK and BYE follow the recorded route to SiteB's server, and the BYE is answered.
    expect(log).toMatch(/message received[^\n]*\n\s*ACK /);
    expect(log).toMatch(/message received[^\n]*\n\s*BYE /);
    expect(r.log).toMatch(/SIP\/2\.0 200[\s\S]*BYE [\s\S]*SIP\/2\.0 200/);
    await serverB.kill();
  }, 90_000);

  it("and SiteB's SIP Server calls SiteA over its own trunk", async () => {
    const serverA = new SipServer('127.0.0.1', port.serverA);
    uas.push(serverA);
    await serverA.start(120);
    await pairActive('SIPServer_A');
    const r = await callOverTrunk(port.serverB, port.proxyB, 'sipserver.site-a.example');
    expect(r.exitCode, `${r.output}\n${r.log}`).toBe(0);
    const invite = receivedInvite(readFileSync(serverA.messageLog, 'latin1'));
    const vias = invite.match(/^Via: SIP\/2\.0\/UDP ([^;\s]+)/gim) ?? [];
    expect(vias.map((v) => v.replace(/^Via: SIP\/2\.0\/UDP /i, ''))).toEqual([
      `127.0.0.1:${port.proxyA}`,
      `127.0.0.1:${port.proxyB}`,
      `127.0.0.1:${port.serverB}`,
    ]);
  }, 90_000);
});
