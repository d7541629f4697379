import { createServer, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../src/contracts/config-document.js';
import { compileEffectiveConfig, type EffectiveProxyConfig } from '../../src/contracts/effective-config.js';
import { exampleDocumentText } from '../fixtures/config/index.js';
import { sseFrame, WORKER_PROTOCOL_VERSION, type WorkerReport } from '../../src/contracts/worker-protocol.js';
import { Logger } from '../../src/worker/log.js';
import { ManagedWorker } from '../../src/worker/managed-worker.js';
import { freePort, sleep, waitFor } from '../helpers/net.js';

/**
 * The managed worker against a stand-in control plane on a real socket (the real one validates everything it sends,
 * so it cannot be made to send a snapshot a worker must refuse). The worker itself runs for real: real listeners.
 */
let server: Server;
let url: string;
let stream: ServerResponse | undefined;
const reports: WorkerReport[] = [];
let managed: ManagedWorker;
let effective: EffectiveProxyConfig;
let httpPort: number;

beforeAll(async () => {
  const { doc } = parseConfigDocument(exampleDocumentText());
  const app = doc.applications.find((a) => a.name === 'SIPProxy_2')!;
  httpPort = await freePort('127.0.0.1');
  app.ports = { 'sip-port': await freePort('127.0.0.1'), 'http-port': httpPort };
  // The pool lists this proxy's port (else event 40000 at start).
  doc.switches[1].dns[0].options.TServer['external-contact'] = `proxy.site-b.example:${app.ports['sip-port']}`;
  effective = compileEffectiveConfig(doc, 'SIPProxy_2');
  server = createServer((req, res) => {
    if (req.headers.authorization !== 'Bearer good-token') {
      res.writeHead(401).end('no');
      return;
    }
    if (req.url?.startsWith('/api/worker-channel/stream')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseFrame('snapshot', { protocol: WORKER_PROTOCOL_VERSION, app: 'SIPProxy_2', configVersion: 1, effective }));
      stream = res;
      return;
    }
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      reports.push(JSON.parse(body) as WorkerReport);
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  managed = new ManagedWorker({
    controlPlane: url,
    app: 'SIPProxy_2',
    token: 'good-token',
    logger: new Logger('SIPProxy_2', () => undefined),
  });
  managed.start();
});

afterAll(async () => {
  await managed?.stop(0);
  stream?.end();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

const last = () => reports[reports.length - 1];
const status = async () => (await (await fetch(`http://127.0.0.1:${httpPort}/status`)).json()) as { configVersion: string };

describe('a worker under a control plane', () => {
  it('runs the first snapshot and reports it', async () => {
    await waitFor(() => last()?.configVersion === 1 && last()?.running === true, 10_000, 'running version 1');
    expect((await status()).configVersion).toBe(effective.version);
  });

  it('refuses a snapshot it cannot apply, reports why, and keeps serving on the old one', async () => {
    stream!.write(
      sseFrame('snapshot', {
        protocol: WORKER_PROTOCOL_VERSION,
        app: 'SIPProxy_2',
        configVersion: 2,
        effective: { ...effective, schemaVersion: 99, version: 'future' },
      }),
    );
    await waitFor(() => last()?.refused?.configVersion === 2, 5000, 'refusal reported');
    expect(last().refused!.reason).toMatch(/schema 99/);
    expect(last().configVersion).toBe(1);
    expect((await status()).configVersion).toBe(effective.version);
  });

  it('refuses a snapshot in a protocol it does not speak', async () => {
    stream!.write(sseFrame('snapshot', { protocol: 99, app: 'SIPProxy_2', configVersion: 3, effective }));
    await waitFor(() => /protocol 99/.test(last()?.refused?.reason ?? ''), 5000, 'protocol refusal reported');
    expect(last().running).toBe(true);
  });

  it('raises an alarm when its listener cannot start (port taken), and retries', async () => {
    const taken = (await import('node:dgram')).createSocket('udp4');
    const port = await freePort('127.0.0.1');
    await new Promise<void>((r) => taken.bind(port, '127.0.0.1', () => r()));
    const { doc } = parseConfigDocument(exampleDocumentText());
    doc.applications.find((a) => a.name === 'SIPProxy_2')!.ports = { 'sip-port': port };
    doc.switches[1].dns[0].options.TServer['external-contact'] = `proxy.site-b.example:${port}`;
    const blocked = compileEffectiveConfig(doc, 'SIPProxy_2');
    const seen: WorkerReport[] = [];
    const srv = createServer((req, res) => {
      if (req.url?.startsWith('/api/worker-channel/stream')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(sseFrame('snapshot', { protocol: WORKER_PROTOCOL_VERSION, app: 'SIPProxy_2', configVersion: 7, effective: blocked }));
        return;
      }
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', () => {
        seen.push(JSON.parse(body) as WorkerReport);
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const a = srv.address();
    const w = new ManagedWorker({
      controlPlane: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`,
      app: 'SIPProxy_2',
      token: 't',
      logger: new Logger('SIPProxy_2', () => undefined),
    });
    w.start();
    try {
      await waitFor(() => seen.some((r) => r.alarms.some((x) => x.event === 40006)), 10_000, 'listener alarm');
      expect(seen.at(-1)!.running).toBe(false);
      taken.close();
      await waitFor(() => seen.at(-1)?.running === true && seen.at(-1)!.alarms.length === 0, 10_000, 'started once the port is free');
    } finally {
      await w.stop(0);
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    }
  });

  it('reports how many connections it holds (counted, not listed)', async () => {
    const { connect } = await import('node:net');
    const port = effective.application.sipPort;
    const socks = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<import('node:net').Socket>((r, j) => {
            const s = connect(port, '127.0.0.1', () => r(s));
            s.once('error', j);
          }),
      ),
    );
    try {
      await waitFor(() => last()?.connections === 3, 10_000, 'three connections reported');
    } finally {
      for (const s of socks) s.destroy();
    }
    await waitFor(() => last()?.connections === 0, 10_000, 'none once closed');
  });

  it('keeps serving while the control plane is gone', async () => {
    stream!.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await sleep(1500);
    expect((await status()).configVersion).toBe(effective.version);
  });
});
