#!/usr/bin/env node
/**
 * A worker group member started by a test or bench harness (`fork` of this file, with an IPC channel): the
 * runtime configuration as JSON in GROUP_RIG_CONFIG (over `defaultRuntimeConfig`), its place in GROUP_INDEX /
 * GROUP_SIZE. Its group messages go to the parent, which relays them (relaySharedState). Logs are JSON lines on stdout.
 * Tells the parent `group.ready` once it serves; SIGTERM stops it. The product's members are forked by the
 * group supervisor; this entry lets the shared state be tested over real processes without it.
 */
import { defaultRuntimeConfig, type ProxyRuntimeConfig } from '../../sip/index.js';
import { Logger } from '../log.js';
import { ProxyWorker } from '../proxy-worker.js';
import { processLink } from './group-channel.js';

const env = process.env;
const index = Number(env.GROUP_INDEX ?? 0);
const size = Number(env.GROUP_SIZE ?? 1);
const over = JSON.parse(env.GROUP_RIG_CONFIG ?? '{}') as Partial<ProxyRuntimeConfig>;
const config = defaultRuntimeConfig({ appName: 'group-rig', ...over });
const log = new Logger(config.appName, (l) => process.stdout.write(l + '\n'), 'info');
const worker = await ProxyWorker.start(config, { logger: log, groupLink: processLink(index, size) });
process.send?.({ type: 'group.ready', index, pid: process.pid });
const stop = (): void => {
  worker.stop(0).then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
