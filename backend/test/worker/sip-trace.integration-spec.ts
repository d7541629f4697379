import { spawnSync } from 'node:child_process';
import * as dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigDocument, type ConfigDocument } from '../../src/contracts/config-document.js';
import { compileEffectiveConfig } from '../../src/contracts/effective-config.js';
import { exampleDocumentText } from '../fixtures/config/index.js';
import { parseMessage } from '../../src/sip/index.js';
import { Logger } from '../../src/worker/log.js';
import { ProxyWorker, type WorkerStatus } from '../../src/worker/proxy-worker.js';
import type { TraceRecordView } from '../../src/worker/trace/worker-trace.js';
import { freePort, waitFor } from '../helpers/net.js';
import { sendUdp, TcpFlow } from '../helpers/sip-client.js';
import { responseTo, SipTap } from '../helpers/sip-tap.js';

/**
 * The SIP trace over a real worker: real UDP and TCP requests to its SIP port, the ring read back from its management
 * port (/trace), the pcap download opened by tshark (Wireshark's own SIP dissector), and the Homer mirror received by
 * a real UDP socket as HEP v3. The sip-trace-* options are live: applyConfig turns the trace off and on again.
 */
let worker: ProxyWorker;
let base: ConfigDocument;
let httpPort: number;
let sipPort: number;
let collector: dgram.Socket;
/** SIPServer_B: answers 200 to everything, so each request the test sends gets its final response at once. */
let server: SipTap;
const hep: Buffer[] = [];
const dir = mkdtempSync(join(tmpdir(), 'sip-trace-'));

const proxy2 = (doc: ConfigDocument) => doc.applications.find((a) => a.name === 'SIPProxy_2')!;
const compile = (doc: ConfigDocument) => compileEffectiveConfig(doc, 'SIPProxy_2');
const get = async (path: string): Promise<Response> => fetch(`http://127.0.0.1:${httpPort}${path}`);
const trace = async (query = ''): Promise<{ trace: NonNullable<WorkerStatus['trace']>; total: number; items: TraceRecordView[] }> =>
  (await (await get(`/trace${query}`)).json()) as { trace: NonNullable<WorkerStatus['trace']>; total: number; items: TraceRecordView[] };
const withTrace = (options: Record<string, unknown>): ConfigDocument => {
  const doc = structuredClone(base);
  Object.assign(proxy2(doc).options.sipproxy, options);
  return doc;
};

/** Chunks of a HEP3 packet by type id, decoded straight from the sipcapture.org HEP3 chunk table. */
function hepChunks(p: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  for (let o = 6; o + 6 <= p.length;) {
    const len = p.readUInt16BE(o + 4);
    out.set(p.readUInt16BE(o + 2), p.subarray(o + 6, o + len));
    o += len;
  }
  return out;
}

beforeAll(async () => {
  collector = dgram.createSocket('udp4');
  collector.on('message', (m) => hep.push(m));
  await new Promise<void>((r) => collector.bind(0, '127.0.0.1', () => r()));
  base = parseConfigDocument(exampleDocumentText()).doc;
  server = await new SipTap('127.0.0.1', await freePort('127.0.0.1'), { transports: ['udp'] }).start();
  server.answer = (m) => (m.method && m.method !== 'ACK' ? responseTo(m.text, 200, 'OK') : undefined);
  for (const n of ['SIPServer_B', 'SIPServer_B_backup']) {
    const app = base.applications.find((a) => a.name === n)!;
    app.host = '127.0.0.1';
    app.ports = { 'sip-port': server.port };
  }
  httpPort = await freePort('127.0.0.1');
  sipPort = await freePort('127.0.0.1');
  proxy2(base).ports = { 'sip-port': sipPort, 'http-port': httpPort };
  base.switches[1].dns[0].options.TServer['external-contact'] = `proxy.site-b.example:${sipPort}`;
  worker = await ProxyWorker.start(compile(base), { logger: new Logger('SIPProxy_2', () => undefined) });
});

afterAll(async () => {
  await worker?.stop(0);
  collector?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('SIP trace (sip-trace-size, -mask-*, -hep-collector)', () => {
  it('is off by default: nothing kept, no tap on the transport', async () => {
    await sendUdp(sipPort, { method: 'OPTIONS', ruri: `sip:2000@127.0.0.1:${sipPort}`, waitMs: 1500 });
    const t = await trace();
    expect(t.trace).toMatchObject({ enabled: false, size: 0, held: 0, traced: 0 });
    expect(t.items).toEqual([]);
  });

  it('keeps what it receives and sends, searchable by Call-ID, number and address; masks credentials', async () => {
    const r = worker.applyConfig(
      compile(withTrace({ 'sip-trace-size': 50, 'sip-trace-hep-collector': `127.0.0.1:${collector.address().port}` })),
    );
    expect(r.applied).toEqual(expect.arrayContaining(['sip-trace-size', 'sip-trace-hep-collector']));
    const udp = await sendUdp(sipPort, {
      method: 'OPTIONS',
      ruri: `sip:4711@127.0.0.1:${sipPort}`,
      from: '127.0.0.3',
      headers: [
        'Proxy-Authorization: Digest username="alice", realm="site-b", nonce="abc", uri="sip:4711@x", response="6629fae49393a05397450978507c4ef1"',
      ],
      waitMs: 3000,
    });
    expect(udp.status).toBeGreaterThanOrEqual(200);
    const callId = /^Call-ID:\s*(.+)$/im.exec(udp.text)![1].trim();
    const flow = await TcpFlow.open(sipPort, '127.0.0.4');
    const tcp = await flow.request({ method: 'OPTIONS', ruri: `sip:4712@127.0.0.1:${sipPort}`, waitMs: 3000 });
    expect(tcp.status).toBe(200);
    flow.close();
    expect(tcp.status).toBeGreaterThanOrEqual(200);

    const byCall = await trace(`?q=${encodeURIComponent(callId)}`);
    expect(byCall.items.length).toBeGreaterThanOrEqual(2);
    expect(byCall.items[0]).toMatchObject({
      direction: 'in',
      transport: 'udp',
      method: 'OPTIONS',
      remote: { address: '127.0.0.3' },
      local: { port: sipPort },
    });
    expect(byCall.items.some((i) => i.direction === 'out' && i.status === udp.status)).toBe(true);
    expect(byCall.items[0].message).toContain('response="<masked>"');
    expect(JSON.stringify(byCall)).not.toContain('6629fae49393a05397450978507c4ef1');
    // The number finds the whole call: in over TCP from the client, out over UDP to SIPServer_B and back.
    const byNumber = await trace('?q=4712');
    expect(byNumber.items.map((i) => `${i.direction} ${i.transport}`)).toEqual(['in tcp', 'out udp', 'in udp', 'out tcp']);
    const byAddress = await trace('?q=127.0.0.4');
    expect(byAddress.items.map((i) => `${i.direction} ${i.transport} ${i.status ?? i.method}`)).toEqual(['in tcp OPTIONS', 'out tcp 200']);
    expect((await get('/trace?limit=0')).status).toBe(400);
    expect((await get('/trace?after=x')).status).toBe(400);
  });

  it('downloads as pcap that tshark decodes as SIP over UDP and TCP, with the real addresses and ports', async () => {
    const held = (await trace()).trace.held;
    const res = await get('/trace.pcap');
    expect(res.headers.get('content-type')).toBe('application/vnd.tcpdump.pcap');
    const file = join(dir, 'trace.pcap');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const ts = spawnSync(
      'tshark',
      [
        '-r',
        file,
        '-d',
        `tcp.port==${sipPort},sip`,
        '-d',
        `udp.port==${sipPort},sip`,
        '-Y',
        'sip',
        '-T',
        'fields',
        '-e',
        'ip.src',
        '-e',
        'ip.dst',
        '-e',
        'frame.protocols',
        '-e',
        'sip.Call-ID',
        '-e',
        'sip.Method',
        '-e',
        'sip.Status-Code',
      ],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(ts.status, ts.stderr).toBe(0);
    const rows = ts.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows.length).toBeGreaterThanOrEqual(held);
    expect(rows.some(([src, , protocols, , method]) => src === '127.0.0.3' && protocols.includes('udp:sip') && method === 'OPTIONS')).toBe(
      true,
    );
    expect(rows.some(([src, , protocols, , method]) => src === '127.0.0.4' && protocols.includes('tcp:sip') && method === 'OPTIONS')).toBe(
      true,
    );
    expect(rows.some(([, dst, , , , status]) => dst === '127.0.0.3' && Number(status) >= 200)).toBe(true);
  });

  it('mirrors every traced message to the Homer collector as HEP v3 (masked like the ring)', async () => {
    await waitFor(() => hep.length >= (worker.trace?.status().traced ?? 1), 5000);
    const packets = hep.map(hepChunks);
    expect(hep.every((p) => p.subarray(0, 4).toString('latin1') === 'HEP3' && p.readUInt16BE(4) === p.length)).toBe(true);
    const fromClient = packets.find((c) => [...(c.get(3) ?? [])].join('.') === '127.0.0.3')!;
    expect(fromClient).toBeDefined();
    expect(fromClient.get(8)!.readUInt16BE(0)).toBe(sipPort);
    expect(fromClient.get(11)![0]).toBe(1);
    const sip = parseMessage(fromClient.get(15)!);
    expect(sip.ok).toBe(true);
    expect(fromClient.get(17)!.toString()).toBe(sip.ok ? sip.message.callId : '');
    expect(fromClient.get(15)!.toString()).toContain('response="<masked>"');
  });

  it('sip-trace-mask-bodies drops bodies from then on; sip-trace-size 0 turns the trace off live', async () => {
    worker.applyConfig(compile(withTrace({ 'sip-trace-size': 50, 'sip-trace-mask-bodies': true })));
    const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.5\r\ns=-\r\nc=IN IP4 127.0.0.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';
    const a = await sendUdp(sipPort, {
      method: 'OPTIONS',
      ruri: `sip:4713@127.0.0.1:${sipPort}`,
      from: '127.0.0.5',
      headers: ['Content-Type: application/sdp'],
      body: sdp,
      waitMs: 3000,
    });
    expect(a.status).toBeGreaterThanOrEqual(200);
    const got = await trace('?q=4713');
    expect(got.items[0].message).not.toContain('m=audio');
    expect(got.items[0].message).toMatch(/Content-Length: 0/i);
    expect(got.items[0].message).toContain('Content-Type: application/sdp');

    const r = worker.applyConfig(compile(base));
    expect(r.applied).toEqual(expect.arrayContaining(['sip-trace-size', 'sip-trace-mask-bodies']));
    const before = worker.trace!.status().traced;
    await sendUdp(sipPort, { method: 'OPTIONS', ruri: `sip:4714@127.0.0.1:${sipPort}`, waitMs: 1500 });
    const off = await trace();
    expect(off.trace).toMatchObject({ enabled: false, size: 0, held: 0 });
    expect(off.trace.traced).toBe(before);
    expect(off.trace.hep).toBeUndefined();
  });
});
