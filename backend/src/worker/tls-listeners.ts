/**
 * The worker's TLS and RFC 5626 edge pieces: the TLS listener on the application's tls-port with the [security]
 * material (paths or inline PEM), the client options for connections the proxy opens (RFC 5922 identity), and the
 * flow registry with its garbage-collection sweep. Kept apart from proxy-worker.ts so it stays a thin wiring file.
 */
import type * as tls from 'node:tls';
import {
  type TransportLayer,
  TlsConfigError,
  checkSipServerIdentity,
  clientTlsOptions,
  loadTlsMaterial,
  serverTlsOptions,
  type SipTlsOptions,
  FlowRegistry,
  EdgeOutbound,
  type ProxyRuntimeConfig,
  type Hop,
  type ResolvedHop,
} from '../sip/index.js';
import { NextHopKeeper } from './next-hop-keeper.js';

export interface WorkerTls {
  /** The TLS listener's options on tls-port (undefined when the application has no TLS listener). */
  server?: SipTlsOptions;
  /** Options for TLS connections the proxy opens. */
  tlsClient: tls.ConnectionOptions;
}

/**
 * TLS listener + client options from the runtime config (where it listens is the worker's sip-address rule). Throws TlsConfigError (the worker logs event 40006) when
 * the application has a tls-port but its certificate does not load, its key does not match, or tls-mutual has no CA.
 */
export function workerTls(config: ProxyRuntimeConfig): WorkerTls {
  const wantsListener = config.transports.includes('tls') && config.tlsPort !== undefined && config.tlsPort !== 0;
  const t = config.tls;
  if (!t) {
    if (wantsListener)
      throw new TlsConfigError('certificate', `tls-port ${config.tlsPort} is set but [security] has no certificate and certificate-key`);
    // No material: outgoing TLS still never goes below 1.2 and checks names per RFC 5922 against the system CAs.
    return { tlsClient: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', checkServerIdentity: checkSipServerIdentity } };
  }
  const material = loadTlsMaterial(t);
  const server = serverTlsOptions(t, material);
  return { server: wantsListener ? server : undefined, tlsClient: clientTlsOptions(t, material) };
}

/** The TCP/TLS next hops to keep a connection to from start (the SIP Servers of every HA pair). */
export function persistentHops(config: ProxyRuntimeConfig): { transport: 'tcp' | 'tls'; host: string; port: number }[] {
  if (config.persistentNextHop !== true) return []; // the option's default (true) comes through the config adapter
  const out: { transport: 'tcp' | 'tls'; host: string; port: number }[] = [];
  for (const p of config.pairs) {
    for (const s of [p.primary, p.backup]) {
      if (s && (s.transport === 'tcp' || s.transport === 'tls'))
        out.push({ transport: s.transport, host: s.host.replace(/^\[|\]$/g, ''), port: s.port });
    }
  }
  return out;
}

/** The edge proxy's flows: registry, outbound logic, connection-close tracking and the GC sweep. */
export class WorkerFlows {
  readonly registry: FlowRegistry;
  readonly outbound: EdgeOutbound;
  private readonly timer: NodeJS.Timeout;
  private keeper: NextHopKeeper | undefined;

  /** `group`: a worker group member's index and the group's flow-token key (tokens name the member, any member reads them). */
  constructor(
    config: ProxyRuntimeConfig,
    transport: TransportLayer,
    local: { advertisedHost: string; ports: Partial<Record<'udp' | 'tcp' | 'tls', number>> },
    group?: { member: number; key?: Buffer },
  ) {
    this.registry = new FlowRegistry({
      lastReceived: (id) => transport.connectionLastReceived(id),
      closeConnection: (id) => void transport.closeConnection(id),
      graceS: config.flowTimerGraceS ?? 30,
      ...(group ? { member: group.member, key: group.key } : {}),
    });
    this.outbound = new EdgeOutbound(this.registry, {
      flowTimerS: config.flowTimerS ?? 0,
      advertisedHost: local.advertisedHost,
      ports: local.ports,
    });
    transport.onConnectionClose((info) => this.registry.connectionClosed(info.id));
    // One sweep for every flow: Flow-Timer values are seconds, a 1 s resolution is plenty.
    this.timer = setInterval(() => this.registry.sweep(), 1000);
    this.timer.unref();
  }

  /**
   * persistent-next-hop-connection (Dialogic's persistent connection to the outbound proxy, seeds/000): opens the
   * TCP/TLS connection to every SIP Server at start, keeps it with RFC 5626 pings and replaces it when the peer stops
   * answering them (next-hop-keeper.ts).
   */
  keepPersistent(
    config: ProxyRuntimeConfig,
    transport: TransportLayer,
    resolve: (hop: Hop, done: (h: ResolvedHop | undefined) => void) => void,
  ): void {
    const hops = persistentHops(config);
    if (!hops.length) return;
    this.keeper = new NextHopKeeper(transport, hops, resolve);
    this.keeper.start();
  }

  /** flow-timer (next REGISTER) and flow-timer-grace-period (immediately). */
  applyLive(config: ProxyRuntimeConfig): void {
    this.outbound.flowTimerS = config.flowTimerS ?? 0;
    this.registry.graceS = config.flowTimerGraceS ?? 30;
  }

  status(): {
    bindings: number;
    connections: number;
    timed: number;
    gcClosed: number;
    nextHopPings: number;
    nextHopPongsMissed: number;
  } & EdgeOutbound['stats'] {
    const k = this.keeper?.counters;
    return {
      ...this.registry.size(),
      gcClosed: this.registry.gcClosed,
      ...this.outbound.stats,
      nextHopPings: k?.pings ?? 0,
      nextHopPongsMissed: k?.pongsMissed ?? 0,
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.keeper?.stop();
  }
}
