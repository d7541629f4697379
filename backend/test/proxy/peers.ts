/**
 * An in-process proxy worker on 127.0.0.1 for the proxy integration tests (the SIPp peers: ../helpers/sipp.ts).
 */
import { ProxyWorker } from '../../src/worker/proxy-worker.js';
import { Logger, type LogRecord } from '../../src/worker/log.js';
import { defaultRuntimeConfig, type ProxyRuntimeConfig } from '../../src/sip/index.js';
import { freePort } from '../helpers/net.js';

export interface RunningProxy {
  worker: ProxyWorker;
  logs: LogRecord[];
  port: number;
  httpPort: number;
  target: string;
  stop(): Promise<void>;
  get(path: string): Promise<{ status: number; body: string }>;
}

/** Starts a proxy worker in this process on 127.0.0.1 with a serving pair built from `pairs`. */
export async function startProxy(over: Partial<ProxyRuntimeConfig>): Promise<RunningProxy> {
  const port = over.sipPort ?? (await freePort());
  const httpPort = over.httpPort ?? (await freePort());
  const config = defaultRuntimeConfig({
    appName: 'SIPProxy_IT',
    version: 'it-1',
    listenHost: '127.0.0.1',
    advertisedHost: '127.0.0.1',
    sipPort: port,
    httpPort,
    transports: ['udp', 'tcp'],
    ...over,
  });
  const logs: LogRecord[] = [];
  const logger = new Logger(config.appName, (l) => logs.push(JSON.parse(l) as LogRecord));
  const worker = await ProxyWorker.start(config, { logger });
  return {
    worker,
    logs,
    port,
    httpPort,
    target: `127.0.0.1:${port}`,
    stop: () => worker.stop(0),
    async get(p: string) {
      const r = await fetch(`http://127.0.0.1:${httpPort}${p}`);
      return { status: r.status, body: await r.text() };
    },
  };
}
