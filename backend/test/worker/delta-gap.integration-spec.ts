import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../src/contracts/config-document.js';
import { compileEffectiveConfig, type EffectiveProxyConfig } from '../../src/contracts/effective-config.js';
import { effectiveDelta } from '../../src/contracts/effective-delta.js';
import { sseFrame, type DeltaMessage, type SnapshotMessage } from '../../src/contracts/worker-protocol.js';
import { haPairDeployment } from '../helpers/deployment.js';
import { freePort, waitFor } from '../helpers/net.js';
import { REPO_ROOT } from '../helpers/product.js';

/**
 * A real worker process (the remote CLI) against a scripted control plane, which can send what the real one never
 * should: a delta whose base the worker does not run (a gap). The worker must not guess: it reopens its channel, runs
 * the whole snapshot it is then sent, and reports that version; a delta on the new channel applies as usual.
 */
const APP = 'SIPProxy_G';
const HOST = '127.0.0.23';
const CLI = join(REPO_ROOT, 'backend/dist/backend/src/worker/cli.js');
let server: Server;
let worker: ChildProcess;
let out = '';
const channels: ServerResponse[] = [];
const reported: (number | undefined)[] = [];
let lastReport: { configVersion?: number; effectiveVersion?: string } = {};
let effs: EffectiveProxyConfig[] = [];

const write = (res: ServerResponse, event: string, data: unknown) => res.write(sseFrame(event, data));
const snapshot = (configVersion: number, effective: EffectiveProxyConfig): SnapshotMessage => ({
  protocol: 1,
  app: APP,
  configVersion,
  effective,
  admin: { application: 'active', serversOutOfService: [] },
});
const delta = (base: number, configVersion: number, a: EffectiveProxyConfig, b: EffectiveProxyConfig): DeltaMessage => ({
  protocol: 1,
  app: APP,
  baseConfigVersion: base,
  configVersion,
  delta: effectiveDelta(a, b)!,
  admin: { application: 'active', serversOutOfService: [] },
});

beforeAll(async () => {
  const sipPort = await freePort(HOST);
  const httpPort = await freePort(HOST);
  const sipServerPort = await freePort();
  effs = [3, 4, 5, 6].map((oosCheck) => {
    const { doc, errors } = parseConfigDocument(
      haPairDeployment({
        sipPort: sipServerPort,
        proxies: [{ name: APP, host: HOST, sipPort, httpPort, oosCheck, oosForce: 5 }],
        dn: { number: 'pool', contact: 'pool.example', externalContact: `${HOST}:${sipPort}` },
      }),
    );
    expect(errors).toEqual([]);
    return compileEffectiveConfig(doc, APP);
  });
  server = createServer((req, res) => {
    if (req.url?.startsWith('/api/worker-channel/stream')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': connected\n\n');
      channels.push(res);
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      if (req.url === '/api/worker-channel/report') {
        lastReport = JSON.parse(body) as typeof lastReport;
        reported.push(lastReport.configVersion);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  worker = spawn(process.execPath, [CLI, '--control-plane', `http://127.0.0.1:${port}`, '--app', APP], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SIPEDGE_WORKER_TOKEN: 'swt_scripted' },
  });
  worker.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  worker.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
}, 60_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
  }
  for (const c of channels) c.end();
  await new Promise((r) => server?.close(r));
}, 30_000);

describe('a worker sent a delta it cannot apply', () => {
  it('applies a delta from the version it runs', async () => {
    await waitFor(() => channels.length === 1, 15_000, 'the worker opened its channel');
    write(channels[0], 'snapshot', snapshot(1, effs[0]));
    await waitFor(() => lastReport.configVersion === 1, 15_000, 'version 1 reported');
    write(channels[0], 'delta', delta(1, 2, effs[0], effs[1]));
    await waitFor(() => lastReport.configVersion === 2 && lastReport.effectiveVersion === effs[1].version, 10_000, 'version 2 reported');
  }, 40_000);

  it('reopens its channel on a delta from a version it missed, and converges on the snapshot it is then sent', async () => {
    // Versions 3..5 never reached the worker: the delta says it starts from 5.
    write(channels[0], 'delta', delta(5, 6, effs[1], effs[2]));
    await waitFor(() => channels.length === 2, 10_000, 'the worker reopened its channel');
    expect(lastReport.configVersion).toBe(2);
    expect(out).toContain('a configuration delta does not start from the kept snapshot');
    write(channels[1], 'snapshot', snapshot(6, effs[2]));
    await waitFor(() => lastReport.configVersion === 6 && lastReport.effectiveVersion === effs[2].version, 10_000, 'version 6 reported');
    write(channels[1], 'delta', delta(6, 7, effs[2], effs[3]));
    await waitFor(() => lastReport.configVersion === 7 && lastReport.effectiveVersion === effs[3].version, 10_000, 'version 7 reported');
    expect(reported.filter((v) => v !== undefined && v > 2 && v < 6)).toEqual([]);
  }, 40_000);
});
