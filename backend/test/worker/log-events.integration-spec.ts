import { createServer } from 'node:net';
import * as dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { parseConfigDocument, type ConfigDocument } from '../../src/contracts/config-document.js';
import { compileEffectiveConfig } from '../../src/contracts/effective-config.js';
import { LOG_EVENTS, type LogEventId } from '../../src/contracts/log-events.js';
import { exampleDocumentText } from '../fixtures/config/index.js';
import { Logger, type LogRecord } from '../../src/worker/log.js';
import { ProxyWorker, WorkerStartError } from '../../src/worker/proxy-worker.js';
import { freePort } from '../helpers/net.js';

/**
 * The guide's events where the worker writes them, each with the catalogue's name and meaning (real sockets, the
 * example document's SIPProxy_2). 40001 is asserted by the HA tests (proxy, workers), 40002 by the control plane's.
 */
async function doc(): Promise<ConfigDocument> {
  const d = parseConfigDocument(exampleDocumentText()).doc;
  const app = d.applications.find((a) => a.name === 'SIPProxy_2')!;
  app.ports = { 'sip-port': await freePort('127.0.0.1'), 'http-port': await freePort('127.0.0.1') };
  d.switches[1].dns[0].options.TServer['external-contact'] = `proxy.site-b.example:${app.ports['sip-port']}`;
  return d;
}
const proxy2 = (d: ConfigDocument) => d.applications.find((a) => a.name === 'SIPProxy_2')!;

async function start(d: ConfigDocument): Promise<{ worker?: ProxyWorker; error?: WorkerStartError; logs: LogRecord[] }> {
  const logs: LogRecord[] = [];
  try {
    const worker = await ProxyWorker.start(compileEffectiveConfig(d, 'SIPProxy_2'), {
      logger: new Logger('SIPProxy_2', (l) => logs.push(JSON.parse(l) as LogRecord)),
    });
    return { worker, logs };
  } catch (e) {
    return { error: e as WorkerStartError, logs };
  }
}

function expectEvent(logs: LogRecord[], id: LogEventId): LogRecord {
  const r = logs.find((l) => l.event === id);
  expect(r, `event ${id} in ${JSON.stringify(logs)}`).toBeDefined();
  expect(r!.eventName).toBe(LOG_EVENTS[id].name);
  expect(r!.msg.startsWith(LOG_EVENTS[id].text)).toBe(true);
  return r!;
}

describe('log events 40000-40007 as the catalogue names and means them', () => {
  it('40004 SPR_PROXY_INITIALIZED when the worker serves', async () => {
    const { worker, logs } = await start(await doc());
    try {
      expectEvent(logs, 40004);
    } finally {
      await worker?.stop(0);
    }
  });

  // The old code had no such check: a proxy whose port is not the pool's started without a word.
  it("40000 SPR_OWN_PROXY_ADDR_NOT_FOUND: this proxy's address is not in its pool's list (the DN's external-contact)", async () => {
    const d = await doc();
    d.switches[1].dns[0].options.TServer['external-contact'] = 'proxy.site-b.example:1';
    const { worker, error, logs } = await start(d);
    await worker?.stop(0);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(error!.event).toBe(40000);
    expect(expectEvent(logs, 40000).msg).toMatch(/does not name sip-port/);
  });

  it('40003 SPR_ERROR_READING_CONFIG_DATA: sipproxy-role 0 is refused', async () => {
    const d = await doc();
    proxy2(d).options.sipproxy['siproxy-role'] = 0;
    const { error, logs } = await start(d);
    expect(error?.event).toBe(40003);
    expectEvent(logs, 40003);
  });

  it('40005 SPR_HOST_NOT_RESOLVED: resolve-host on a host name that does not resolve', async () => {
    const d = await doc();
    proxy2(d).host = 'no-such-host.invalid';
    proxy2(d).options.sipproxy['resolve-host'] = true;
    const { error, logs } = await start(d);
    expect(error?.event).toBe(40005);
    expectEvent(logs, 40005);
  }, 30_000);

  // The old code wrote 40000 for a non-local address ("bind address not local"): it is the SIP listener that cannot start.
  it("40006 SPR_SIP_LISTENER_CANNOT_START: the sip-port is taken, or the address is not this host's", async () => {
    const d = await doc();
    const taken = dgram.createSocket('udp4');
    await new Promise<void>((r) => taken.bind(proxy2(d).ports['sip-port'], '127.0.0.1', () => r()));
    try {
      const { error, logs } = await start(d);
      expect(error?.event).toBe(40006);
      expectEvent(logs, 40006);
    } finally {
      taken.close();
    }
    const d2 = await doc();
    proxy2(d2).options.sipproxy['sip-address'] = '192.0.2.1'; // TEST-NET-1: never an address of this host
    const r2 = await start(d2);
    expect(r2.error?.event).toBe(40006);
    expectEvent(r2.logs, 40006);
  });

  // The old code logged and noted 40007, never raised it as an alarm.
  it('40007 PR_MGMT_LISTENER_CANNOT_START: logged and raised as an alarm (like 40006); SIP keeps serving', async () => {
    const d = await doc();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(proxy2(d).ports['http-port'], '127.0.0.1', () => r()));
    const { worker, logs } = await start(d);
    try {
      expect(worker).toBeDefined();
      expectEvent(logs, 40007);
      expect(worker!.status().alarms).toContainEqual(expect.objectContaining({ event: 40007, eventName: 'PR_MGMT_LISTENER_CANNOT_START' }));
      expectEvent(logs, 40004);
    } finally {
      await worker?.stop(0);
      blocker.close();
    }
  });
});
