/**
 * One SIP Proxy application at run time: transport + transaction layers, the proxy core, HA monitoring,
 * logs (events 40000-40007), alarms, counters and the management HTTP server. Plain Node; the standalone CLI,
 * the bench entry and (later) the control plane's embedded/remote worker all start it the same way.
 */
import * as dns from 'node:dns';
import { readFileSync } from 'node:fs';
import {
  describeKeepAlive,
  osKeepAliveSettings,
  type TcpKeepAliveOptions,
  socketOptionsSupport,
  type SocketOptionsSupport,
  TransportLayer,
  isAllInterfaces,
  listenersFromSipAddress,
  type BoundListener,
  type ListenerSpec,
  TransactionLayer,
  ProxyCore,
  type ProxyStats,
  setBranchWorkerPort,
  unbracket,
  type ProxyRuntimeConfig,
  SipResolver,
  DnsClient,
  type HaPair,
  type HaPairSnapshot,
  type StateChange,
} from '../sip/index.js';
import { WorkerFlows, workerTls, type WorkerTls } from './tls-listeners.js';
import { isIP } from 'node:net';
import { planLiveApply, type EffectiveProxyConfig } from '../contracts/index.js';
import { toRuntimeConfig } from './config-adapter.js';
import { Logger } from './log.js';
import { LogOutputs } from './log-outputs.js';
import { isLoopbackAddress, managementHost, startManagementServer, type ManagementServer } from './management-http.js';
import { WorkerMetrics } from './metrics.js';
import { connectionPolicy } from './connection-policy.js';
import { hasIpv6, isLocalAddress, localAddresses, severalInterfaces } from './host-interfaces.js';
import { traceSettings, WorkerTrace } from './trace/worker-trace.js';
import type { GroupLink } from './group/group-channel.js';
import { GroupSharedState } from './group/group-shared-state.js';
import { FlowHandoff } from './group/flow-handoff.js';
import type { GroupStatus, GroupView } from './group/group-view.js';

export interface WorkerStartOptions {
  logger?: Logger;
  /** Where the [log] options' file outputs are created (default: the working directory). */
  logDirectory?: string;
  /** Serve /status, /metrics, /health on config.httpPort (default true when httpPort is set). */
  management?: boolean;
  /** UDP socket buffers (default 4 MiB). */
  udpBufferSize?: number;
  /** Called on every HA state change and alarm change (for the control plane's service-state view). */
  onEvent?: (e: WorkerEvent) => void;
  /**
   * A member of a worker group (`worker-processes`, group/group-supervisor.ts): every SIP listener binds its port
   * with SO_REUSEPORT, so each process of the group has its own socket on the public ports and the kernel hashes a
   * UDP source's datagrams (and each TCP connection) to one of them: a transaction's retransmissions reach the
   * process that holds it. Each member also binds a UDP port of its own, sends its requests from it and names it in
   * Via, so responses return to it. Record-Route names the public port, so in-dialog requests may reach any member
   * (they are forwarded as new transactions). Absent: a lone process binding its ports exclusively.
   */
  group?: { index: number; size: number };
  /**
   * A member of a worker group (worker/group/): its channel to the other members. The HA pairs are probed by the
   * group's leader only and every member follows its view (one 40001 alarm, raised by the leader); the overload
   * rate is the group's, split among the members by demand.
   */
  groupLink?: GroupLink;
}

export type WorkerEvent =
  | { type: 'pair-state'; pair: string; change: StateChange }
  | { type: 'alarm-raised'; alarm: Alarm }
  | { type: 'alarm-cleared'; alarm: Alarm };

export interface Alarm {
  id: string;
  /** 40001: an HA pair out of service; 40007: the management listener cannot start (like 40006 for SIP). */
  event: 40001 | 40007;
  eventName: 'SPR_SIPS_HA_PAIR_UNAVAILABLE' | 'PR_MGMT_LISTENER_CANNOT_START';
  /** The HA pair (40001). */
  pair?: string;
  /** The pair's primary host:port (40001). */
  primary?: string;
  since: string;
  text: string;
}

export interface ApplyResult {
  /** Version now running (the new one when everything applied; the old one when a restart is needed). */
  version: string;
  /** Changes applied now (live or from the next call), named as the operator knows them (`oos-check`). */
  applied: string[];
  /** Changes that take effect only after a restart, named likewise (`resolve-host`, `contact (DN 1001 of SiteA)`). */
  restartRequired: string[];
}

/** applyConfig on a worker started from a bare runtime configuration (benches, unit rigs): nothing to diff against. */
export class WorkerConfigError extends Error {
  override readonly name = 'WorkerConfigError';
  readonly code = 'no-effective-config';
}

/** The JSON of `GET /status`. */
export interface WorkerStatus {
  app: string;
  configVersion: string;
  pendingRestartVersion?: string;
  pid: number;
  startedAt: string;
  uptimeS: number;
  role: number;
  listeners: BoundListener[];
  advertisedHost: string;
  servingPair?: string;
  pairs: (HaPairSnapshot & { serving: boolean })[];
  alarms: Alarm[];
  /** The proxy core's counters (maps as objects for JSON) plus the sampled call rate. */
  counters: Omit<ProxyStats, 'requestsIn' | 'responsesOut' | 'activeContexts' | 'reopened'> & {
    requestsIn: Record<string, number>;
    responsesOut: Record<string, number>;
    callsPerSecond: number;
  };
  overload: { dialogRate: number; rejected: number };
  transactions: ReturnType<TransactionLayer['stats']>;
  transport: ReturnType<TransportLayer['stats']>;
  /** Every connection, or one page of them when status() was asked for a page (GET /status always is). */
  connections: ReturnType<TransportLayer['connectionList']>;
  /** The connection caps and deadlines in force (ms): the live options as the transport runs them. */
  connectionPolicy: ReturnType<TransportLayer['connectionPolicy']>;
  /** With a page: how many connections there are, the page size, and the cursor (`?after=`) of the next page. */
  connectionsPage?: { total: number; limit: number; after?: string; next?: string };
  notes: string[];
  /** The socket-options addon (sip-ip-tos, keep-alive timings) and what the kernel refused, per option. */
  socketOptions: { addon: SocketOptionsSupport; ipTos: number; failures: Record<string, string> };
  /** RFC 5626 flows at this edge proxy (bindings, flow-routed requests, 430/439/403, GC). */
  flows?: ReturnType<WorkerFlows['status']>;
  /**
   * The operator's administrative states as this worker applies them: drained (new INVITEs and REGISTERs get 503),
   * the SIP Servers forced out of service, and what counts down while drained: INVITE dialogs and registered flows.
   */
  admin: { drained: boolean; serversOutOfService: string[]; activeDialogs: number; flows: number };
  /** A worker group member's shared state: its index, the group's size, the leader, the members up, its overload share. */
  groupShared?: ReturnType<GroupSharedState['status']> & { flowHandoff?: FlowHandoff['stats'] };
  /** The SIP trace: ring size, messages held and traced, the Homer mirror's sends. */
  trace?: ReturnType<WorkerTrace['status']>;
  /**
   * A worker group (`worker-processes` > 1): the group as one instance, its members (index, pid, up, restarts).
   * Member 0 answers on the management port; the counters above are its own.
   */
  group?: GroupStatus;
}

/** Refusal at start for configurations this product does not serve. */
export class WorkerStartError extends Error {
  constructor(
    readonly event: 40000 | 40003 | 40005 | 40006,
    message: string,
  ) {
    super(message);
  }
}

export class ProxyWorker {
  readonly log: Logger;
  readonly alarms = new Map<string, Alarm>();
  private readonly startedAt = Date.now();
  private callsSample = { at: Date.now(), calls: 0, rate: 0 };
  private sampler: NodeJS.Timeout | undefined;
  private mgmt: ManagementServer | undefined;
  private pendingRestart: EffectiveProxyConfig | undefined;
  /** The effective configuration running now (the registry's diff is taken against it). */
  private effective: EffectiveProxyConfig | undefined;
  readonly notes: string[] = [];
  /** Flow registry and outbound logic (TLS/TCP stickiness, RFC 5626). */
  flows: WorkerFlows | undefined;
  /** The [log] options (levels and outputs), when started from an effective configuration. */
  private logOutputs: LogOutputs | undefined;
  /** SIP Servers an operator forced out of service, sorted (setAdmin). */
  private serversOutOfService: string[] = [];
  /** The SIP trace ([sipproxy] sip-trace-*): off (no tap on the transport) until an option turns it on. */
  trace: WorkerTrace | undefined;
  /** This worker's shared state as a member of a worker group (undefined when it runs alone). */
  shared: GroupSharedState | undefined;
  /** A worker group member's flow handoff (requests for flows other members hold, and theirs for ours). */
  handoff: FlowHandoff | undefined;
  /** Set by a group member's entry (group/group-view.ts): /status and /metrics show the group. */
  groupView: GroupView | undefined;

  private constructor(
    public config: ProxyRuntimeConfig,
    readonly transport: TransportLayer,
    readonly tl: TransactionLayer,
    readonly proxy: ProxyCore,
    logger: Logger,
    private readonly onEvent: ((e: WorkerEvent) => void) | undefined,
  ) {
    this.log = logger;
  }

  /**
   * Starts the worker: checks the role, resolves the advertised host (resolve-host), binds the SIP listeners
   * (UDP + TCP on sip-port), starts HA monitoring and the management server. Throws WorkerStartError (after
   * logging the guide's event) when it cannot serve.
   */
  static async start(given: EffectiveProxyConfig | ProxyRuntimeConfig, opts: WorkerStartOptions = {}): Promise<ProxyWorker> {
    // The product passes the effective configuration (applyConfig diffs against it); benches a runtime one.
    const effective = 'schemaVersion' in given ? given : undefined;
    const config = effective ? toRuntimeConfig(effective) : (given as ProxyRuntimeConfig);
    const log = opts.logger ?? new Logger(config.appName);
    const logOutputs = effective ? new LogOutputs(log, opts.logDirectory ?? process.cwd()) : undefined;
    logOutputs?.configure(effective!.options.log);
    const fail = (event: 40000 | 40003 | 40005 | 40006, msg: string, fields: Record<string, unknown> = {}): never => {
      log.event(event, 'error', fields, msg);
      logOutputs?.close();
      throw new WorkerStartError(event, msg);
    };
    // 40000: this proxy's own address is not in its pool's list (the serving switch's sip-outbound-proxy DN).
    const notListed = effective ? ownAddressNotInPool(effective) : undefined;
    if (notListed) fail(40000, notListed, { host: config.advertisedHost, port: config.sipPort });
    if (config.role !== 10) {
      fail(
        40003,
        `sipproxy-role is ${config.role}: only 10 (standalone mode) is served; 0 is reserved for engineering purposes by the guide. Set [sipproxy] sipproxy-role = 10.`,
        { option: 'sipproxy-role', value: config.role },
      );
    }
    const notes: string[] = [];
    const sockopt = socketOptionsSupport();
    if (config.ipTos !== 256 && !sockopt.available) {
      const n = `sip-ip-tos=${config.ipTos} is set, but ${sockopt.detail}: SIP packets keep the system default TOS byte.`;
      notes.push(n);
      log.warn(n, { option: 'sip-ip-tos', value: config.ipTos });
    }
    const keepAlive: TcpKeepAliveOptions = {
      enabled: config.tcpKeepAlive,
      idleS: config.tcpKeepAliveIdleS,
      intervalS: config.tcpKeepAliveIntervalS,
      count: config.tcpKeepAliveCount,
    };
    if (config.tcpKeepAlive) {
      const n = describeKeepAlive(
        keepAlive,
        osKeepAliveSettings((p) => {
          try {
            return readFileSync(p, 'utf8');
          } catch {
            return undefined;
          }
        }),
        sockopt.available,
      );
      notes.push(n);
      log.info(n, { option: 'sip-enable-tcp-keep-alive' });
    }

    // resolve-host: the address (true) or the host name (false) goes into Via / Record-Route.
    let advertised = config.advertisedHost;
    if (config.resolveHost && isIP(unbracket(advertised)) === 0) {
      try {
        advertised = (await dns.promises.lookup(advertised)).address;
      } catch (e) {
        fail(40005, `${advertised}: ${(e as Error).message}`, { host: advertised });
      }
    }
    // sip-address (listenHost): unset binds the SIP ports on every interface, IPv4 and IPv6 (guide, "SIP Address
    // Binding"); set, that address only, which must be one of this host's: the listener cannot start elsewhere (40006).
    const listenHost = config.listenHost;
    const everywhere = isAllInterfaces(listenHost);
    let bindAddress = everywhere ? '' : unbracket(listenHost);
    if (!everywhere && isIP(bindAddress) === 0) {
      try {
        bindAddress = (await dns.promises.lookup(bindAddress)).address;
      } catch (e) {
        fail(40005, `${listenHost}: ${(e as Error).message}`, { host: listenHost });
      }
    }
    if (!everywhere && !isLocalAddress(bindAddress)) {
      fail(40006, `${listenHost}:${config.sipPort} (${bindAddress} is not an address of this host)`, {
        host: listenHost,
        port: config.sipPort,
      });
    }
    const ipv6 = everywhere ? hasIpv6() : undefined;
    if (ipv6 === false) {
      const n = 'sip-address is unset and this host has no IPv6 interface: the SIP ports listen on every IPv4 interface only.';
      notes.push(n);
      log.info(n, { option: 'sip-address' });
    }
    const several = everywhere ? severalInterfaces() : [];
    if (several.length) {
      // Node cannot choose a UDP datagram's source address: answers leave from the one the routing table picks.
      const n = `sip-address is unset on a host with several interfaces (${several.join(', ')}): the guide says it must be set there; UDP answers leave from the address the routing table picks.`;
      notes.push(n);
      log.warn(n, { option: 'sip-address' });
    }
    const where = everywhere ? 'every interface' : bindAddress;

    // TLS on tls-port: a certificate that does not load or a key that does not match is 40006, not a crash.
    let tlsSetup: WorkerTls = { tlsClient: {} };
    try {
      tlsSetup = workerTls(config);
    } catch (e) {
      fail(40006, `${where}:${config.tlsPort ?? '-'} (TLS): ${(e as Error).message}`, {
        host: where,
        port: config.tlsPort,
        transport: 'tls',
        option: (e as { option?: string }).option,
      });
    }
    const shared = opts.group !== undefined && config.transports.includes('udp');
    const specs: ListenerSpec[] = listenersFromSipAddress({
      sipAddress: everywhere ? undefined : bindAddress,
      ipv6,
      udpPort: config.transports.includes('udp') ? config.sipPort : undefined,
      tcpPort: config.transports.includes('tcp') ? config.sipPort : undefined,
      tlsPort: tlsSetup.server ? config.tlsPort : undefined,
      tls: tlsSetup.server,
    });
    // A group member: the public ports with SO_REUSEPORT, and before each public UDP listener one of its own
    // (an ephemeral port; the transport sends new requests from the first UDP socket of a family, so from it).
    const listeners: ListenerSpec[] = opts.group
      ? specs.flatMap((l) =>
          l.transport === 'udp'
            ? [
                { transport: 'udp' as const, address: l.address, port: 0 },
                { ...l, reusePort: true },
              ]
            : [{ ...l, reusePort: true }],
        )
      : specs;
    let transport: TransportLayer;
    const policy = connectionPolicy(config);
    try {
      transport = await TransportLayer.create({
        listeners,
        udpBufferSize: opts.udpBufferSize ?? 4 * 1024 * 1024,
        limits: config.limits,
        ipTos: config.ipTos,
        connections: {
          keepAlive,
          idleTimeoutMs: policy.idleMs,
          inboundIdleTimeoutMs: policy.inboundIdleMs,
          firstMessageTimeoutMs: policy.firstMessageMs,
          handshakeTimeoutMs: policy.handshakeMs,
          maxConnections: policy.maxConnections,
          maxConnectionsPerAddress: policy.maxPerAddress,
          maxConnectionsPerIpv6Prefix: policy.maxPerIpv6Prefix,
          limits: config.limits,
          tlsClient: tlsSetup.tlsClient,
          // persistent-next-hop-connection = false: per transaction (seeds/000), see connection-use.ts.
          perTransaction: config.persistentNextHop === false,
        },
      });
    } catch (e) {
      return fail(40006, `${where}:${config.sipPort}: ${(e as Error).message}`, { host: where, port: config.sipPort });
    }
    // A worker group member sends through the flow handoff: a flow another member holds gets the bytes over IPC.
    const handoff = opts.groupLink ? new FlowHandoff(transport, opts.groupLink) : undefined;
    const tl = new TransactionLayer(handoff ?? transport);
    const bound = transport.listeners();
    if (config.ipTos !== 256 && sockopt.available) {
      // The OS may refuse a TOS value (some kernels restrict it); say so instead of silently sending the default.
      const refused = transport.socketOptionFailures()['sip-ip-tos'];
      const n = refused
        ? `sip-ip-tos=${config.ipTos}: the operating system refused it (${refused}); SIP packets keep the system default TOS byte.`
        : `sip-ip-tos=${config.ipTos}: TOS byte 0x${config.ipTos.toString(16).padStart(2, '0')} (DSCP ${config.ipTos >> 2}) set on every SIP socket.`;
      notes.push(n);
      if (refused) log.warn(n, { option: 'sip-ip-tos', value: config.ipTos });
      else log.info(n, { option: 'sip-ip-tos', value: config.ipTos });
    }
    // Our names: the advertised host and, when listening everywhere, every address of this host (not the wildcards).
    const aliases = [advertised, config.advertisedHost, ...(everywhere ? localAddresses() : [config.listenHost, bindAddress])];
    const ports: Partial<Record<'udp' | 'tcp' | 'tls', number>> = {};
    const viaPorts: Partial<Record<'udp' | 'tcp' | 'tls', number>> = {};
    for (const b of bound) ports[b.transport] ??= b.port;
    if (shared) {
      // The member's own UDP port (bound first) goes in Via; the public one in Record-Route and Path.
      viaPorts.udp = ports.udp;
      ports.udp = config.sipPort;
      setBranchWorkerPort(viaPorts.udp as number);
    }
    // The proxy reports HA changes to the worker created just after it.
    const ref: { worker?: ProxyWorker } = {};
    const flows = new WorkerFlows(
      config,
      transport,
      { advertisedHost: advertised, ports },
      opts.groupLink ? { member: opts.groupLink.index, key: opts.groupLink.flowKey } : undefined,
    );
    handoff?.shareBindings(flows.registry);
    if (opts.groupLink && !opts.groupLink.flowKey)
      notes.push(
        'worker group without a shared flow-token key (SIPEDGE_GROUP_FLOW_KEY): a registered flow is reached only through the member that holds it.',
      );
    // A connection a UA registered over keeps connection-idle-timeout; other inbound ones the shorter one.
    transport.setFlowCheck((id) => flows.registry.hasConnection(id));
    const proxy = new ProxyCore({
      // dns-servers: the operator's DNS servers for RFC 3263, else the system's (resolv.conf).
      resolver: config.dnsServers?.length ? new SipResolver(new DnsClient({ servers: config.dnsServers })) : undefined,
      outbound: flows.outbound,
      config: { ...config, advertisedHost: advertised },
      tl,
      local: { advertisedHost: advertised, aliases, ports, viaPorts, group: shared },
      events: { pairChanged: (p, c) => ref.worker?.pairChanged(p, c) },
    });
    flows.keepPersistent(config, transport, (h, done) => proxy.resolveHop(h, done));
    const worker = new ProxyWorker({ ...config, advertisedHost: advertised }, transport, tl, proxy, log, opts.onEvent);
    ref.worker = worker;
    worker.effective = effective;
    worker.logOutputs = logOutputs;
    worker.notes.push(...notes);
    worker.flows = flows;
    worker.trace = new WorkerTrace(transport, advertised);
    if (effective) worker.trace.configure(traceSettings(effective));
    if (opts.groupLink) {
      const member = new GroupSharedState(opts.groupLink, {
        proxy,
        receivers: handoff ? [(from, body) => handoff.receive(from, body)] : [],
      });
      worker.handoff = handoff;
      worker.shared = member;
      // A member that is no longer the leader leaves the group's alarms to the one that is.
      member.lead.onChange(() => {
        if (member.lead.isLeader) return;
        for (const id of [...worker.alarms.keys()]) if (id.startsWith('ha-pair-unavailable:')) worker.alarms.delete(id);
      });
    }
    proxy.start();
    worker.shared?.start();
    worker.sampler = setInterval(() => worker.sample(), 1000);
    worker.sampler.unref();
    if (config.httpPort && opts.management !== false) {
      try {
        // http-address unset: loopback, on sip-address (else the host this proxy advertises) when that is loopback.
        const host = managementHost(config.httpAddress, everywhere ? unbracket(advertised) : bindAddress);
        worker.metricsRegistry = new WorkerMetrics(worker); // the process metrics (GC, event loop) count from the start
        worker.mgmt = await startManagementServer(worker, {
          host,
          port: config.httpPort,
          token: () => worker.config.httpToken,
          tls: config.httpTls,
        });
        if (!isLoopbackAddress(host)) {
          const n = config.httpTls
            ? `management port ${host}:${config.httpPort} is not on loopback: HTTPS; /status and /metrics need a client certificate issued by http-client-ca${config.httpToken ? ' or Authorization: Bearer <http-token>' : ''}.`
            : config.httpToken
              ? `management port ${host}:${config.httpPort} is not on loopback: /status and /metrics need Authorization: Bearer <http-token>.`
              : `management port ${host}:${config.httpPort} is not on loopback and http-token is not set: only /health is served.`;
          worker.notes.push(n);
          log.warn(n, { option: 'http-address', value: host });
        }
      } catch (e) {
        log.event(40007, 'error', { port: config.httpPort }, `${config.httpPort}: ${(e as Error).message}`);
        worker.notes.push(`management listener on ${config.httpPort} failed: ${(e as Error).message}`);
        // Raised like 40006: the operator loses /status and /metrics of this worker, calls still flow.
        const alarm: Alarm = {
          id: 'mgmt-listener',
          event: 40007,
          eventName: 'PR_MGMT_LISTENER_CANNOT_START',
          since: new Date().toISOString(),
          text: `Cannot start Mgmt listener on ${config.httpPort}: ${(e as Error).message}`,
        };
        worker.alarms.set(alarm.id, alarm);
        worker.onEvent?.({ type: 'alarm-raised', alarm });
      }
    }
    log.event(40004, 'info', {
      version: config.version,
      listeners: bound.map((b) => `${b.transport}:${b.address}:${b.port}`),
      httpPort: config.httpPort,
      pairs: config.pairs.map((p) => p.name),
      servingPair: config.servingPair,
    });
    return worker;
  }

  /**
   * Applies the next effective configuration of the same application. The contracts' diff against the running one
   * decides, per the option registry: live and next-call changes run now (calls in progress keep their decisions);
   * after-restart ones are held back and reported, named as the operator knows them, until the worker restarts.
   */
  applyConfig(next: EffectiveProxyConfig): ApplyResult {
    if (!this.effective)
      throw new WorkerConfigError('this worker was started from a runtime configuration: restart it with an effective one');
    const plan = planLiveApply(this.effective, next);
    if (plan.applied.length) {
      const now = toRuntimeConfig(plan.now);
      this.proxy.applyLive(now);
      this.flows?.applyLive(now);
      // Bind-time fields (and the resolved advertised host) never change live: they are equal in `now` anyway.
      this.config = { ...now, advertisedHost: this.config.advertisedHost };
      // Connection caps and deadlines are live: the transport's next sweep applies them to open connections too.
      this.transport.setConnectionPolicy(connectionPolicy(this.config));
    }
    this.effective = plan.now;
    // [log] is live (registry): the levels and outputs change before the next line is written.
    this.logOutputs?.configure(plan.now.options.log);
    // sip-trace-* are live: the ring is resized (the newest kept), the mask and the Homer collector change now.
    this.trace?.configure(traceSettings(plan.now));
    this.pendingRestart = plan.restartPending.length ? next : undefined;
    const applied = plan.applied.map((c) => c.option);
    const restartRequired = plan.restartPending.map((c) => c.option);
    this.log.info('configuration applied', { version: next.version, applied, restartRequired });
    return { version: this.config.version, applied, restartRequired };
  }

  /** The configuration waiting for a restart, if any. */
  get pendingConfig(): EffectiveProxyConfig | undefined {
    return this.pendingRestart;
  }

  /** The worker's state; with `page`, one page of the connection list (`limit` 0: none, just the count). */
  status(page?: { limit: number; after?: string }): WorkerStatus {
    const s = this.proxy.stats;
    const conns = page ? this.transport.connectionPage(page.limit, page.after) : undefined;
    return {
      app: this.config.appName,
      configVersion: this.config.version,
      pendingRestartVersion: this.pendingRestart?.version,
      pid: process.pid,
      startedAt: new Date(this.startedAt).toISOString(),
      uptimeS: Math.round((Date.now() - this.startedAt) / 1000),
      role: this.config.role,
      listeners: this.transport.listeners(),
      advertisedHost: this.config.advertisedHost,
      servingPair: this.config.servingPair,
      pairs: [...this.proxy.pairs.values()].map((p) => ({ ...p.snapshot(), serving: p.name === this.config.servingPair })),
      alarms: [...this.alarms.values()],
      counters: {
        requestsIn: Object.fromEntries(s.requestsIn),
        responsesOut: Object.fromEntries([...s.responsesOut].map(([k, v]) => [String(k), v])),
        calls: s.calls,
        callsPerSecond: this.callsSample.rate,
        rejectedOverload: s.rejectedOverload,
        rejectedOutOfService: s.rejectedOutOfService,
        rejectedDraining: s.rejectedDraining,
        failovers: s.failovers,
        nextHopRetries: s.nextHopRetries,
        loops: s.loops,
        tooManyHops: s.tooManyHops,
        badRequests: s.badRequests,
        statelessForwards: s.statelessForwards,
        relayRefused: s.relayRefused,
      },
      overload: { dialogRate: this.proxy.limiter.rate, rejected: this.proxy.limiter.rejected },
      flows: this.flows?.status(),
      transactions: this.tl.stats(),
      transport: this.transport.stats(),
      connections: conns ? conns.items : this.transport.connectionList(),
      connectionPolicy: this.transport.connectionPolicy(),
      connectionsPage: conns && page ? { total: conns.total, limit: page.limit, after: page.after, next: conns.next } : undefined,
      notes: this.notes,
      trace: this.trace?.status(),
      group: this.groupView?.status(),
      socketOptions: { addon: socketOptionsSupport(), ipTos: this.config.ipTos, failures: this.transport.socketOptionFailures() },
      admin: {
        drained: this.proxy.drained,
        serversOutOfService: [...this.serversOutOfService],
        activeDialogs: this.proxy.dialogs.size,
        flows: this.flows?.registry.size().bindings ?? 0,
      },
      groupShared: this.shared
        ? { ...this.shared.status(), ...(this.handoff ? { flowHandoff: { ...this.handoff.stats } } : {}) }
        : undefined,
    };
  }

  /**
   * Applies an operator's administrative states at once (they are not configuration: no diff, no restart):
   * drained or not, and which SIP Servers every pair must treat as out of service (a manual switchover when one is
   * the active server).
   */
  setAdmin(drained: boolean, serversOutOfService: readonly string[]): void {
    if (this.proxy.drained !== drained) {
      this.log.info(
        drained
          ? 'drained by an operator: new INVITEs and REGISTERs are answered 503; dialogs in progress continue'
          : 'active again: taking new dialogs and registrations',
        { drained, activeDialogs: this.proxy.dialogs.size },
      );
    }
    this.proxy.drained = drained;
    const next = [...serversOutOfService].sort();
    if (next.join('\n') !== this.serversOutOfService.join('\n')) {
      this.log.info('SIP Servers forced out of service by an operator', { servers: next });
      this.serversOutOfService = next;
      this.proxy.setServersOutOfService(next);
    }
  }

  /** /metrics (prom-client; the series are read from the proxy's statistics at each scrape). */
  metrics(): Promise<string> {
    this.metricsRegistry ??= new WorkerMetrics(this);
    return this.metricsRegistry.render();
  }
  metricsRegistry: WorkerMetrics | undefined;

  get callsPerSecond(): number {
    return this.callsSample.rate;
  }

  /** Stops accepting, lets transactions in progress finish for up to `drainMs`, then closes everything. */
  async stop(drainMs = 0): Promise<void> {
    this.proxy.stop();
    this.shared?.stop();
    this.handoff?.stop();
    if (this.sampler) clearInterval(this.sampler);
    const until = Date.now() + drainMs;
    // Wait for transactions still waiting for a final response; those kept only to absorb retransmissions (Timer J:
    // 32 s over UDP) would hold every restart for the whole drain.
    while (drainMs > 0 && Date.now() < until && this.tl.inProgress() > 0) await new Promise((r) => setTimeout(r, 100));
    await this.mgmt?.close();
    this.flows?.stop();
    this.trace?.close();
    this.logOutputs?.close();
    this.tl.close();
    await this.transport.close();
  }

  private sample(): void {
    const now = Date.now();
    const calls = this.proxy.stats.calls;
    const dt = (now - this.callsSample.at) / 1000;
    if (dt > 0) this.callsSample = { at: now, calls, rate: Math.round(((calls - this.callsSample.calls) / dt) * 10) / 10 };
  }

  private pairChanged(pair: HaPair, change: StateChange): void {
    const primary = pair.server('primary');
    const primaryHp = primary ? `${primary.host}:${primary.port}` : '?';
    this.onEvent?.({ type: 'pair-state', pair: pair.name, change });
    if (change.trigger === 'start') return;
    const fields = {
      pair: pair.name,
      from: change.from,
      to: change.to,
      trigger: change.trigger,
      server: change.server,
      code: change.code,
      rttMs: change.rttMs,
    };
    this.shared?.pairChanged(pair, change);
    if (this.shared && !this.shared.ha.raisesAlarms) {
      // A follower of the group's leader: the leader logs 40001 and raises the one alarm for the group.
      this.log.info(
        `HA pair ${pair.name}: ${change.from} -> ${change.to} (${change.trigger}, group member ${this.shared.link.index})`,
        fields,
      );
      return;
    }
    if (change.to === 'out-of-service' && change.trigger === 'admin') {
      // An operator took the pair's last usable server out for maintenance: intended, so no alarm (and no 40001).
      this.log.info(`HA pair ${pair.name}: out of service by an operator's administrative state`, fields);
    } else if (change.to === 'out-of-service') {
      this.log.event(40001, 'error', fields, `${pair.name} (primary ${primaryHp})`);
      const alarm: Alarm = {
        id: `ha-pair-unavailable:${pair.name}`,
        event: 40001,
        eventName: 'SPR_SIPS_HA_PAIR_UNAVAILABLE',
        pair: pair.name,
        primary: primaryHp,
        since: new Date(change.at).toISOString(),
        text: `SIP Server HA pair (${primaryHp}) is unavailable`,
      };
      this.alarms.set(alarm.id, alarm);
      this.onEvent?.({ type: 'alarm-raised', alarm });
    } else {
      this.log.info(`HA pair ${pair.name}: ${change.from} -> ${change.to} (${change.trigger})`, fields);
      const id = `ha-pair-unavailable:${pair.name}`;
      const alarm = this.alarms.get(id);
      if (alarm) {
        this.alarms.delete(id);
        this.onEvent?.({ type: 'alarm-cleared', alarm });
      }
    }
  }
}

/**
 * Why this proxy's address is not in its pool's list (guide event 40000), or undefined when it is: the serving
 * pair's switch must have a sip-outbound-proxy DN whose external-contact port is this proxy's sip-port ("all SIP
 * Proxy instances listen on the same port"). Its host is a name resolving to every proxy of the pool, so only the
 * port can be checked here. Validation refuses such documents; this catches the ones that did not go through it.
 */
function ownAddressNotInPool(eff: EffectiveProxyConfig): string | undefined {
  const self = `${eff.application.host}:${eff.application.sipPort}`;
  const dns = eff.switches.filter((sw) => sw.sipServer === eff.servingPair && sw.outboundProxy).map((sw) => sw.outboundProxy!);
  if (dns.length === 0)
    return `${self}: no switch served by ${eff.servingPair || '(no servicing-sipserver)'} has a sip-outbound-proxy VoIP Service DN listing the pool`;
  const listed = dns.some(
    (d) => d.externalContact !== undefined && Number(/:(\d+)$/.exec(d.externalContact)?.[1]) === eff.application.sipPort,
  );
  return listed
    ? undefined
    : `${self}: the pool's external-contact (${dns.map((d) => d.externalContact ?? 'unset').join(', ')}) does not name sip-port ${eff.application.sipPort}`;
}
