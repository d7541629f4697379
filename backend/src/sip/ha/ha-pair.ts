import type { TransportAddress } from '../address.js';
import type { Clock, TimerHandle } from './clock.js';

/** One SIP Server of an HA pair, as the proxy reaches it: its application name, host (`sip-port`) and transport. */
export interface HaServer extends TransportAddress {
  name: string;
}

export type ServerRole = 'primary' | 'backup';
export type PairState = 'primary-active' | 'backup-active' | 'out-of-service';

/** Why a pair changed state (recorded in the history and shown in /status). */
export type HaTrigger =
  | 'start'
  | 'probe-timeout'
  | 'probe-reply'
  | 'probe-transport-error'
  | 'request-from-server'
  | 'forward-timeout'
  | 'forward-503'
  | 'forward-transport-error'
  | 'forward-reply'
  /** An operator forced a server out of service (maintenance) or cleared that. */
  | 'admin';

export interface StateChange {
  /** Wall-clock time (ms since epoch) of the change. */
  at: number;
  from: PairState;
  to: PairState;
  trigger: HaTrigger;
  /** The server whose behaviour caused the change. */
  server: ServerRole;
  /** Reply code of the probe / forwarded request, when there was one. */
  code?: number;
  /** Probe round-trip time in ms, when a probe caused it. */
  rttMs?: number;
  detail?: string;
}

/** What an OPTIONS probe produced: a final response code, or a transport error (ICMP, refused connection). */
export type ProbeOutcome = { code: number } | { error: 'transport'; detail?: string };

/**
 * Sends one OPTIONS to a server and reports its final response (or a transport error) once; the HA pair
 * applies its own timeout and ignores late reports. `cancel` lets it drop a probe it no longer waits for.
 */
export interface Prober {
  probe(server: HaServer, done: (o: ProbeOutcome) => void): { cancel(): void };
}

export interface HaTiming {
  /** `oos-check`: seconds between probes of the active server; 0 turns active probing off. */
  oosCheckS: number;
  /** `oos-force`: seconds between probes of both servers while the pair is out of service. */
  oosForceS: number;
  /** How long a probe may take before the server counts as not answering. */
  probeTimeoutMs: number;
}

export interface ServerHealth {
  role: ServerRole;
  server: HaServer;
  /** 'up' answered the last probe with a usable code; 'down' did not; 'unknown' not probed yet. */
  status: 'up' | 'down' | 'unknown';
  lastProbeAt?: number;
  lastCode?: number;
  lastRttMs?: number;
  lastError?: string;
  probes: number;
  failures: number;
  /** Clock time (ms) of the last message received from this server (responses to forwarded requests, requests). */
  lastTrafficAt?: number;
  /** Wall time (ms) the server last answered a probe with a serving code or sent us a request / usable response. */
  lastSeenAt?: number;
  /** In the snapshot: the pair runs on the other server and this one answers (it waits; no failback). */
  standby?: boolean;
  /** In the snapshot: an operator forced this server out of service; probes do not bring it back. */
  adminOutOfService?: boolean;
}

export interface HaPairSnapshot {
  name: string;
  state: PairState;
  active?: ServerRole;
  since: number;
  servers: ServerHealth[];
  history: StateChange[];
}

/**
 * A code from a probed server that shows it serves calls. Genesys SIP Server answers OPTIONS with 200 when
 * primary; a 5xx/6xx (e.g. 503 of a backup in backup mode, or an overloaded server) means "not serving".
 */
export function isServingCode(code: number): boolean {
  return code >= 200 && code < 500;
}

const HISTORY = 50;

/**
 * The HA-pair state machine with active out-of-service detection (guide: "Active Out-of-Service Detection").
 *
 * - primary/backup active: OPTIONS to the active server every `oos-check` s; no (usable) answer within the probe
 *   timeout -> ping the other one; it answers -> it becomes active; neither -> out of service.
 * - out of service: both pinged every `oos-force` s; the first that answers (primary first) becomes active.
 * - a (non-OPTIONS) request arriving from the non-active server makes it active (the guide's second trigger).
 * - forwarding failures reported by the proxy (timeout, 503, transport error) switch to the other server.
 */
export class HaPair {
  readonly name: string;
  private readonly servers: Record<ServerRole, ServerHealth | undefined>;
  private st: PairState = 'primary-active';
  private sinceMs: number;
  private readonly hist: StateChange[] = [];
  private timer: TimerHandle | undefined;
  /** Probes the non-active server while it is down, at oos-force pace, so /status shows when it is back. */
  private standbyTimer: TimerHandle | undefined;
  private inflight: { cancel(): void }[] = [];
  /** Bumped on every state change and re-arm, so late probe results of an old round are ignored. */
  private round = 0;
  private running = false;
  /**
   * Whether this monitor sends OPTIONS itself. In a worker group only the leader probes; the others follow its
   * view (`adopt`) and still act on what their own forwarded requests show (forwardFailed, requestFrom).
   */
  private probing = true;
  /** Roles an operator forced out of service: never made active, never retried on, not probed back. */
  private readonly forced = new Set<ServerRole>();

  /** Called after every state change (log event 40001 / alarm when `to` is out-of-service). */
  onChange: ((pair: HaPair, change: StateChange) => void) | undefined;

  constructor(
    name: string,
    primary: HaServer,
    backup: HaServer | undefined,
    private timing: HaTiming,
    private readonly prober: Prober,
    private readonly clock: Clock,
    private readonly wallNow: () => number = Date.now,
  ) {
    this.name = name;
    this.servers = {
      primary: { role: 'primary', server: primary, status: 'unknown', probes: 0, failures: 0 },
      backup: backup ? { role: 'backup', server: backup, status: 'unknown', probes: 0, failures: 0 } : undefined,
    };
    this.sinceMs = wallNow();
  }

  get state(): PairState {
    return this.st;
  }

  /** The role that gets new requests, or undefined when out of service. */
  get activeRole(): ServerRole | undefined {
    return this.st === 'primary-active' ? 'primary' : this.st === 'backup-active' ? 'backup' : undefined;
  }

  /** The server that gets new requests, or undefined when out of service. */
  activeServer(): HaServer | undefined {
    const r = this.activeRole;
    return r ? this.servers[r]?.server : undefined;
  }

  server(role: ServerRole): HaServer | undefined {
    return this.servers[role]?.server;
  }

  /** The role of a server of this pair given its address, if it is one. */
  roleOf(host: string, port: number): ServerRole | undefined {
    for (const role of ['primary', 'backup'] as const) {
      const s = this.servers[role]?.server;
      if (s && s.host === host && s.port === port) return role;
    }
    return undefined;
  }

  /** The other server of the pair, unless there is none or an operator forced it out of service. */
  other(role: ServerRole): ServerRole | undefined {
    const o: ServerRole = role === 'primary' ? 'backup' : 'primary';
    return this.servers[o] && !this.forced.has(o) ? o : undefined;
  }

  /**
   * An operator forces `role` out of service (maintenance) or clears that. Forcing the active server is a manual
   * switchover to the other one (out of service when there is no other usable one, trigger `admin`, which raises no
   * alarm); clearing returns the server to probe-driven state: no failback, but a pair out of service probes at once.
   */
  setForcedOutOfService(role: ServerRole, on: boolean): void {
    if (!this.servers[role] || this.forced.has(role) === on) return;
    if (on) {
      this.forced.add(role);
      if (this.activeRole !== role) return;
      const o = this.other(role);
      if (o) this.setActive(o, 'admin', role, undefined, undefined, `${role} forced out of service by an operator`);
      else this.goOos('admin', role, undefined, undefined, `${role} forced out of service by an operator`);
    } else {
      this.forced.delete(role);
      if (this.st === 'out-of-service' && this.running) {
        this.timer?.cancel();
        this.armNext(0);
      }
    }
  }

  isForcedOutOfService(role: ServerRole): boolean {
    return this.forced.has(role);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.record('primary-active', 'start', 'primary', undefined, undefined, 'monitoring started');
    this.armNext(0);
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.timer = undefined;
    this.standbyTimer?.cancel();
    this.standbyTimer = undefined;
    this.cancelInflight();
  }

  /**
   * Probes on (the default) or off (a follower of a worker group's leader). Turning it on probes at once, so a
   * member that becomes the leader checks the active server without waiting a whole interval.
   */
  setProbing(on: boolean): void {
    if (this.probing === on) return;
    this.probing = on;
    if (!on) {
      this.round++;
      this.timer?.cancel();
      this.timer = undefined;
      this.standbyTimer?.cancel();
      this.standbyTimer = undefined;
      this.cancelInflight();
    } else if (this.running) {
      this.armNext(0);
      this.armStandby();
    }
  }

  get isProbing(): boolean {
    return this.probing;
  }

  /**
   * Takes a state another monitor of the same pair decided (the group leader's view): the same transition, with
   * the leader's change (time, trigger, cause) recorded here, and the servers' health as that change implies it.
   * No-op when already in that state.
   */
  adopt(change: StateChange): void {
    if (change.to === this.st || change.trigger === 'start') return;
    const active: ServerRole | undefined =
      change.to === 'primary-active' ? 'primary' : change.to === 'backup-active' ? 'backup' : undefined;
    if (active && this.forced.has(active)) return;
    for (const role of ['primary', 'backup'] as const) {
      const h = this.servers[role];
      if (!h || this.forced.has(role)) continue;
      if (role === active) h.status = 'up';
      else if (
        change.server === role &&
        change.trigger !== 'admin' &&
        change.trigger !== 'request-from-server' &&
        change.trigger !== 'forward-reply'
      )
        h.status = 'down';
      else if (!active) h.status = 'down';
    }
    const { at, to, trigger, server, code, rttMs, detail } = change;
    this.record(to, trigger, server, code, rttMs, detail, at);
    this.timer?.cancel();
    this.armNext(this.intervalMs());
    this.armStandby();
  }

  /** The last recorded change (the 'start' one until something happened). */
  lastChange(): StateChange | undefined {
    return this.hist[this.hist.length - 1];
  }

  /** Live change of `oos-check` / `oos-force` (guide: "Changes Take Effect: Immediately"). */
  setTiming(t: HaTiming): void {
    const changed = t.oosCheckS !== this.timing.oosCheckS || t.oosForceS !== this.timing.oosForceS;
    this.timing = t;
    if (changed && this.running) {
      this.timer?.cancel();
      this.armNext(this.intervalMs());
      this.armStandby();
    }
  }

  /**
   * A request (other than OPTIONS) arrived from a server of this pair: when that server is not the active one,
   * it now runs in primary mode, so route to it (guide, switchover step 2).
   */
  requestFrom(role: ServerRole): void {
    const h = this.servers[role];
    if (!h) return;
    h.status = 'up';
    h.lastSeenAt = this.wallNow();
    if (this.activeRole === role || this.forced.has(role)) return;
    this.setActive(role, 'request-from-server', role, undefined, undefined, `request received from ${role}`);
  }

  /**
   * The proxy forwarded a request to `role` and got no answer in time, a 503, or a transport error; it retries
   * on the other server. Switch now so that the next calls go there directly.
   */
  forwardFailed(role: ServerRole, trigger: 'forward-timeout' | 'forward-503' | 'forward-transport-error', code?: number): void {
    const h = this.servers[role];
    if (!h) return;
    h.status = 'down';
    h.failures++;
    if (this.activeRole !== role && this.st !== 'out-of-service') return;
    const o = this.other(role);
    if (o && this.servers[o]?.status !== 'down') {
      this.setActive(o, trigger, role, code, undefined, `forwarded request to ${role} failed`);
    } else if (this.st !== 'out-of-service') {
      this.goOos(trigger, role, code, undefined, 'forwarding failed and the other server is down');
    }
  }

  /**
   * A message arrived from `role` (a response to a forwarded request): proof of life. A probe that times out while
   * the server is answering calls is not held against it (an overloaded proxy's late OPTIONS reply is not a dead
   * server). Hot path: one property write.
   */
  noteTraffic(role: ServerRole): void {
    const h = this.servers[role];
    if (h) h.lastTrafficAt = this.clock.now();
  }

  /** The retry on `role` got a usable response: it serves calls. */
  forwardSucceeded(role: ServerRole, code: number): void {
    const h = this.servers[role];
    if (!h) return;
    h.status = 'up';
    h.lastSeenAt = this.wallNow();
    if (this.activeRole !== role && !this.forced.has(role))
      this.setActive(role, 'forward-reply', role, code, undefined, `forwarded request answered by ${role}`);
  }

  snapshot(): HaPairSnapshot {
    const servers: ServerHealth[] = [];
    for (const role of ['primary', 'backup'] as const) {
      const h = this.servers[role];
      if (!h) continue;
      const forced = this.forced.has(role);
      const standby = this.activeRole !== undefined && this.activeRole !== role && h.status === 'up' && !forced;
      servers.push({ ...h, server: { ...h.server }, standby, ...(forced ? { adminOutOfService: true } : {}) });
    }
    return { name: this.name, state: this.st, active: this.activeRole, since: this.sinceMs, servers, history: [...this.hist] };
  }

  health(role: ServerRole): ServerHealth | undefined {
    return this.servers[role];
  }

  // ---------------------------------------------------------------- probing

  private intervalMs(): number {
    return (this.st === 'out-of-service' ? Math.max(1, this.timing.oosForceS) : this.timing.oosCheckS) * 1000;
  }

  private armNext(ms: number): void {
    if (!this.running || !this.probing) return;
    if (this.st !== 'out-of-service' && this.timing.oosCheckS <= 0) return; // probing off: only traffic triggers
    const r = ++this.round;
    this.timer = this.clock.setTimeout(() => {
      if (r === this.round) this.runRound();
    }, ms);
  }

  private runRound(): void {
    const r = this.round;
    if (this.st === 'out-of-service') {
      // Both in parallel; prefer the primary when both answer in this round.
      const results: Partial<Record<ServerRole, ProbeOutcome | 'timeout'>> = {};
      const roles = (['primary', 'backup'] as const).filter((x) => this.servers[x] && !this.forced.has(x));
      let left = roles.length;
      if (left === 0) {
        this.armNext(this.intervalMs()); // every server is forced out: nothing to probe back
        return;
      }
      for (const role of roles) {
        this.probe(role, (res, rtt) => {
          results[role] = res;
          if (r !== this.round) return;
          if (res !== 'timeout' && 'code' in res && isServingCode(res.code) && (role === 'primary' || results.primary !== undefined)) {
            this.setActive(role, 'probe-reply', role, res.code, rtt, `${role} answered OPTIONS`);
            return;
          }
          if (--left === 0) {
            const b = results.backup;
            if (b && b !== 'timeout' && 'code' in b && isServingCode(b.code) && !this.forced.has('backup')) {
              this.setActive('backup', 'probe-reply', 'backup', b.code, undefined, 'backup answered OPTIONS');
            } else {
              this.armNext(this.intervalMs());
            }
          }
        });
      }
      return;
    }
    const active = this.activeRole as ServerRole;
    this.probe(active, (res, rtt) => {
      if (r !== this.round) return;
      if (res !== 'timeout' && 'code' in res && isServingCode(res.code)) {
        this.armNext(this.intervalMs());
        return;
      }
      const trig = triggerOf(res);
      const code = res !== 'timeout' && 'code' in res ? res.code : undefined;
      const o = this.other(active);
      if (!o) {
        this.goOos(trig, active, code, rtt, `${active} did not answer OPTIONS`);
        return;
      }
      // The active one failed: ping the other one now.
      this.probe(o, (res2, rtt2) => {
        if (r !== this.round) return;
        if (res2 !== 'timeout' && 'code' in res2 && isServingCode(res2.code)) {
          this.setActive(o, trig, active, code, rtt2, `${active} did not answer OPTIONS, ${o} did (${res2.code})`);
        } else {
          this.goOos(trig, active, code, rtt, `neither ${active} nor ${o} answered OPTIONS`);
        }
      });
    });
  }

  private probe(role: ServerRole, done: (res: ProbeOutcome | 'timeout', rttMs: number | undefined) => void): void {
    const h = this.servers[role] as ServerHealth;
    const t0 = this.clock.now();
    let finished = false;
    h.probes++;
    h.lastProbeAt = this.wallNow();
    const finish = (res: ProbeOutcome | 'timeout'): void => {
      if (finished) return;
      finished = true;
      timeout.cancel();
      const rtt = res === 'timeout' ? undefined : Math.round((this.clock.now() - t0) * 1000) / 1000;
      if (res === 'timeout' && h.lastTrafficAt !== undefined && h.lastTrafficAt >= t0) {
        // No OPTIONS answer in time, but the server kept answering forwarded requests meanwhile: alive.
        h.status = 'up';
        h.lastError = 'probe timeout while traffic flowed';
        done({ code: 200 }, undefined);
        return;
      }
      if (res === 'timeout') {
        h.status = 'down';
        h.lastError = 'timeout';
        h.failures++;
      } else if ('code' in res) {
        h.lastCode = res.code;
        h.lastRttMs = rtt;
        h.lastError = undefined;
        h.status = isServingCode(res.code) ? 'up' : 'down';
        if (h.status === 'down') h.failures++;
        else h.lastSeenAt = this.wallNow();
      } else {
        h.status = 'down';
        h.lastError = res.detail ?? 'transport error';
        h.failures++;
      }
      done(res, rtt);
    };
    const timeout = this.clock.setTimeout(() => {
      handle.cancel();
      finish('timeout');
    }, this.timing.probeTimeoutMs);
    const handle = this.prober.probe(h.server, finish);
    this.inflight.push(handle);
    if (this.inflight.length > 8) this.inflight.splice(0, this.inflight.length - 8);
  }

  private cancelInflight(): void {
    for (const p of this.inflight) p.cancel();
    this.inflight = [];
  }

  // ---------------------------------------------------------------- transitions

  private setActive(role: ServerRole, trigger: HaTrigger, cause: ServerRole, code?: number, rtt?: number, detail?: string): void {
    const to: PairState = role === 'primary' ? 'primary-active' : 'backup-active';
    if (to === this.st || this.forced.has(role)) return;
    this.record(to, trigger, cause, code, rtt, detail);
    this.timer?.cancel();
    this.armNext(this.intervalMs());
    this.armStandby();
  }

  /**
   * After a failover the server left behind is probed every oos-force s while it is down, so the operator sees
   * when it is back (status 'up', standby, lastSeenAt). Traffic stays where it is: no failback (the guide switches
   * only when the active server fails or the other one sends a request, i.e. runs in primary mode).
   */
  private armStandby(): void {
    this.standbyTimer?.cancel();
    this.standbyTimer = undefined;
    const active = this.activeRole;
    if (!this.running || !this.probing || !active) return;
    const o = this.other(active);
    if (!o || this.servers[o]?.status !== 'down') return;
    this.standbyTimer = this.clock.setTimeout(
      () => {
        this.standbyTimer = undefined;
        if (this.activeRole !== active) return;
        this.probe(o, () => this.armStandby());
      },
      Math.max(1, this.timing.oosForceS) * 1000,
    );
  }

  private goOos(trigger: HaTrigger, cause: ServerRole, code?: number, rtt?: number, detail?: string): void {
    if (this.st === 'out-of-service') return;
    this.record('out-of-service', trigger, cause, code, rtt, detail);
    this.timer?.cancel();
    this.standbyTimer?.cancel();
    this.standbyTimer = undefined;
    this.armNext(this.intervalMs());
  }

  private record(
    to: PairState,
    trigger: HaTrigger,
    server: ServerRole,
    code?: number,
    rttMs?: number,
    detail?: string,
    at = this.wallNow(),
  ): void {
    const change: StateChange = { at, from: this.st, to, trigger, server };
    if (code !== undefined) change.code = code;
    if (rttMs !== undefined) change.rttMs = rttMs;
    if (detail !== undefined) change.detail = detail;
    this.st = to;
    this.sinceMs = change.at;
    this.round++;
    this.hist.push(change);
    if (this.hist.length > HISTORY) this.hist.shift();
    this.onChange?.(this, change);
  }
}

function triggerOf(res: ProbeOutcome | 'timeout'): HaTrigger {
  if (res === 'timeout') return 'probe-timeout';
  return 'code' in res ? 'probe-reply' : 'probe-transport-error';
}
