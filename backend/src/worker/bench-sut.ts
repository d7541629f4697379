#!/usr/bin/env node
/**
 * Bench entry (`SUT_CMD` of ../shared/bench): listens on SUT_HOST:SUT_PORT over SUT_TRANSPORT and serves a
 * one-server "HA pair" at UAS_HOST:UAS_PORT (the SIPp UAS, probed with OPTIONS; it answers them with -aa).
 * Initial requests go to it, INVITE dialogs are record-routed, in-dialog requests follow Route.
 * The configuration is made in memory; no management server, no per-message logging.
 */
import cluster from 'node:cluster';
import { defaultRuntimeConfig, type TransportProtocol } from '../sip/index.js';
import { Logger } from './log.js';
import { ProxyWorker } from './proxy-worker.js';

const env = process.env;
const transport = (env.SUT_TRANSPORT === 'tcp' ? 'tcp' : 'udp') as TransportProtocol;
const host = env.SUT_HOST ?? '127.0.0.1';
const port = Number(env.SUT_PORT ?? 5060);
const uasHost = env.UAS_HOST ?? '127.0.0.1';
const uasPort = Number(env.UAS_PORT ?? 5070);

const config = defaultRuntimeConfig({
  version: 'bench',
  appName: 'bench-sut',
  listenHost: host,
  advertisedHost: host,
  sipPort: port,
  transports: [transport],
  servingPair: 'UAS',
  pairs: [{ name: 'UAS', primary: { name: 'UAS', host: uasHost, port: uasPort, transport } }],
  oosCheckS: 5,
  oosForceS: 5,
  // BENCH_HTTP_PORT: serve /status and /metrics too (for looking inside during a run).
  httpPort: env.BENCH_HTTP_PORT ? Number(env.BENCH_HTTP_PORT) : undefined,
});

// BENCH_WORKERS: processes sharing the public UDP port (group mode, opt-in). Default 1: in a group a
// retransmission may reach another worker than the first copy and be forwarded again, which SIPp peers count as
// failures once the box is short of CPU. Over TCP the UAC's single connection lands on one process anyway.
const workers = transport === 'udp' ? Math.max(1, Number(env.BENCH_WORKERS ?? 1)) : 1;

if (workers > 1 && cluster.isPrimary) {
  const children = Array.from({ length: workers }, () => cluster.fork());
  process.stderr.write(`bench-sut: ${workers} workers (pids ${children.map((c) => c.process.pid).join(', ')}) sharing ${transport}:${host}:${port}\n`);
  const stop = (): void => {
    for (const c of children) c.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 300).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  cluster.on('exit', (w, code) => {
    process.stderr.write(`bench-sut worker ${w.process.pid} exited (${code})\n`);
  });
} else {
  const log = new Logger('bench-sut', (l) => process.stderr.write(l + '\n'), 'warn');
  const httpPort = env.BENCH_HTTP_PORT && cluster.worker ? Number(env.BENCH_HTTP_PORT) + cluster.worker.id - 1 : undefined;
  const worker = await ProxyWorker.start(
    httpPort ? { ...config, httpPort } : config,
    { logger: log, management: Boolean(env.BENCH_HTTP_PORT), sharedUdp: workers > 1 },
  );
  process.stderr.write(`bench-sut listening ${transport}:${host}:${port} -> ${uasHost}:${uasPort} (pid ${process.pid})\n`);
  const stop = (): void => {
    worker.stop(0).then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
