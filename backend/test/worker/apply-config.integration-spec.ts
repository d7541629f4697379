import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigDocument, type ConfigDocument } from '../../src/contracts/config-document.js';
import { compileEffectiveConfig } from '../../src/contracts/effective-config.js';
import { exampleDocumentText } from '../fixtures/config/index.js';
import { Logger, type LogRecord } from '../../src/worker/log.js';
import { ProxyWorker, type WorkerStatus } from '../../src/worker/proxy-worker.js';
import { freePort } from '../helpers/net.js';

/**
 * ProxyWorker.applyConfig is the one decider: a real worker (real listeners, real probes to SIP Servers that are
 * down) started from the example document's SIPProxy_2, then given edited documents. What changed is read from
 * outside: GET /status on its management port.
 */
let worker: ProxyWorker;
let base: ConfigDocument;
let httpPort: number;
const logs: LogRecord[] = [];

const proxy2 = (doc: ConfigDocument) => doc.applications.find((a) => a.name === 'SIPProxy_2')!;
const compile = (doc: ConfigDocument) => compileEffectiveConfig(doc, 'SIPProxy_2');
const status = async (): Promise<WorkerStatus> => (await (await fetch(`http://127.0.0.1:${httpPort}/status`)).json()) as WorkerStatus;
/** A fresh edit of the document the worker was started with. */
const edit = (): ConfigDocument => structuredClone(base);

beforeAll(async () => {
  base = parseConfigDocument(exampleDocumentText()).doc;
  httpPort = await freePort('127.0.0.1');
  proxy2(base).ports = { 'sip-port': await freePort('127.0.0.1'), 'http-port': httpPort };
  base.switches[1].dns[0].options.TServer['external-contact'] = `proxy.site-b.example:${proxy2(base).ports['sip-port']}`;
  worker = await ProxyWorker.start(compile(base), { logger: new Logger('SIPProxy_2', (l) => logs.push(JSON.parse(l) as LogRecord)) });
});

afterAll(async () => {
  await worker?.stop(0);
});

describe('ProxyWorker.applyConfig: the registry decides, the worker does what the badge says', () => {
  // Saw it fail on the old code: diffRuntimeConfig put `pairs` in LIVE_OPTIONS, so the pair went at once and
  // nothing was pending, although the registry (and the UI) say "After SIP Proxy restart".
  it('applications (after restart): restart pending, the monitored pairs unchanged until the restart', async () => {
    const doc = edit();
    proxy2(doc).options.sipproxy.applications = 'SIPServer_B';
    const before = await status();
    const r = worker.applyConfig(compile(doc));
    expect(r.restartRequired).toEqual(['applications']);
    expect(r.applied).toEqual([]);
    const after = await status();
    expect(after.pairs.map((p) => p.name)).toEqual(['SIPServer_A', 'SIPServer_B']);
    expect(after.configVersion).toBe(before.configVersion);
    expect(after.pendingRestartVersion).toBe(compile(doc).version);
    worker.applyConfig(compile(base));
    expect((await status()).pendingRestartVersion).toBeUndefined();
  });

  // Saw it fail on the old code: every DN change was "switches: next-call" and the trunk applied at once.
  it('peer-proxy-protocol on a trunk (after restart) is held; peer-proxy-contact (immediately) applies at once', async () => {
    const doc = edit();
    doc.switches[1].dns[1].options.TServer['peer-proxy-protocol'] = 'tcp';
    const r = worker.applyConfig(compile(doc));
    expect(r.restartRequired).toEqual(['peer-proxy-protocol (DN to-site-a-primary of SiteB)']);
    expect(worker.config.trunks.find((t) => t.number === 'to-site-a-primary')!.peerProxyProtocol).toBe('udp');
    const live = edit();
    live.switches[1].dns[1].options.TServer['peer-proxy-contact'] = 'proxy2.site-a.example:5060';
    proxy2(live).options.sipproxy['overload-ctrl-dialog-rate'] = 7;
    const r2 = worker.applyConfig(compile(live));
    expect(r2.restartRequired).toEqual([]);
    expect(r2.applied).toEqual(['overload-ctrl-dialog-rate', 'peer-proxy-contact (DN to-site-a-primary of SiteB)']);
    expect(worker.config.trunks.find((t) => t.number === 'to-site-a-primary')!.peerProxyContact).toBe('proxy2.site-a.example:5060');
    expect((await status()).overload.dialogRate).toBe(7);
    expect((await status()).configVersion).toBe(compile(live).version);
  });

  it('a live option next to an after-restart one: the live one runs now, the other waits', async () => {
    worker.applyConfig(compile(base));
    const doc = edit();
    proxy2(doc).options.sipproxy['overload-ctrl-dialog-rate'] = 3;
    proxy2(doc).options.sipproxy['resolve-host'] = true;
    const r = worker.applyConfig(compile(doc));
    expect(r.applied).toEqual(['overload-ctrl-dialog-rate']);
    expect(r.restartRequired).toEqual(['resolve-host']);
    const st = await status();
    expect(st.overload.dialogRate).toBe(3);
    expect(st.pendingRestartVersion).toBe(compile(doc).version);
    expect(logs.some((l) => l.msg === 'configuration applied' && (l.restartRequired as string[]).includes('resolve-host'))).toBe(true);
  });
});
