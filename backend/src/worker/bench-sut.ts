#!/usr/bin/env node
/**
 * Bench entry (`SUT_CMD` of ../shared/bench): listens on SUT_HOST:SUT_PORT over SUT_TRANSPORT and serves a
 * one-server "HA pair" at UAS_HOST:UAS_PORT (the SIPp UAS, probed with OPTIONS; it answers them with -aa).
 * Initial requests go to it, INVITE dialogs are record-routed, in-dialog requests follow Route.
 * The configuration is made in memory; no management server, no per-message logging.
 */
import { defaultRuntimeConfig, type TransportProtocol } from '../sip/index.js';
import { Logger } from './log.js';
import { ProxyWorker } from './proxy-worker.js';
import { memberOfGroup } from './group/group-member.js';
import { GroupSupervisor, superviseUntilSignalled } from './group/group-supervisor.js';
import { GroupView } from './group/group-view.js';
import { linkOverChannel, relaySharedState } from './group/group-channel.js';

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

// BENCH_WORKERS=N: a worker group of N processes, as `worker-processes` N runs it (group/group-supervisor.ts): each
// binds the public ports with SO_REUSEPORT, so a source's retransmissions reach the process holding the transaction.
const workers = Math.max(1, Number(env.BENCH_WORKERS ?? 1));
const member = memberOfGroup();

if (workers > 1 && !member) {
  const g = GroupSupervisor.start({
    size: workers,
    entry: process.argv[1],
    args: process.argv.slice(2),
    log: (level, msg, f) => process.stderr.write(`bench-sut group ${level}: ${msg} ${JSON.stringify(f ?? {})}\n`),
  });
  process.stderr.write(`bench-sut: group of ${workers} (supervisor ${process.pid}) sharing ${transport}:${host}:${port}\n`);
  relaySharedState(g); // the members' shared state (one HA view, the group's overload rate), member to member
  superviseUntilSignalled(g);
} else {
  const log = new Logger('bench-sut', (l) => process.stderr.write(l + '\n'), 'warn');
  // BENCH_HTTP_PORT: member i serves /status on BENCH_HTTP_PORT + i.
  const httpPort = env.BENCH_HTTP_PORT ? Number(env.BENCH_HTTP_PORT) + (member?.index ?? 0) : undefined;
  const worker = await ProxyWorker.start(
    { ...config, httpPort },
    {
      logger: log,
      management: Boolean(env.BENCH_HTTP_PORT),
      group: member && { index: member.index, size: member.size },
      groupLink: member && linkOverChannel(member.index, member.size, member.channel),
    },
  );
  process.stderr.write(
    `bench-sut listening ${transport}:${host}:${port} -> ${uasHost}:${uasPort} (pid ${process.pid}${member ? `, member ${member.index}` : ''})\n`,
  );
  const stop = (): void => {
    worker.stop(0).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (member) {
    worker.groupView = new GroupView(member, stop);
    worker.groupView.ready();
  }
}
