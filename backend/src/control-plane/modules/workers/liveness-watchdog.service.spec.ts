import type { Response } from 'express';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConfigDocument } from '../../../contracts/config-document.js';
import { OFFLINE_AFTER_MS, type WorkerReport } from '../../../contracts/worker-protocol.js';
import { REPLICA_ID } from '../../common/replica.js';
import type { Env } from '../../config/env.js';
import type { DatabaseState } from '../../database/database-state.js';
import type { RaiseAlarm } from '../alarms/alarms.repository.js';
import type { AlarmsService } from '../alarms/alarms.service.js';
import type { ConfigurationService } from '../configuration/configuration.service.js';
import type { LiveBus } from '../live/live-bus.js';
import { CHANNEL_GRACE_MS, LivenessWatchdog } from './liveness-watchdog.service.js';
import type { WorkerStateEntity } from './worker.entities.js';
import { WorkerRegistry } from './worker-registry.js';
import type { WorkersRepository } from './workers.repository.js';
import type { AdminStatesService } from './admin-states.service.js';

// Fakes of the watchdog's neighbours (unit test only); the registry is the real one.
const DOC: ConfigDocument = {
  version: 1,
  applications: [
    { name: 'SIPServer_A', type: 'sip-server', ports: {}, options: {} },
    { name: 'SIPProxy_1', type: 'sip-proxy', host: '10.0.0.1', ports: {}, options: { sipproxy: { 'servicing-sipserver': 'SIPServer_A' } } },
  ],
  switches: [{ name: 'SiteA', sipServer: 'SIPServer_A', dns: [] }],
};
const report = (app = 'SIPProxy_1'): WorkerReport =>
  ({
    app,
    instanceId: 'i1',
    configVersion: 1,
    pid: 42,
    hostname: 'h1',
    startedAt: '',
    listeners: [],
    counters: {},
    connections: 0,
    notes: [],
    alarms: [],
    pairs: [],
  }) as unknown as WorkerReport;

function setup() {
  const registry = new WorkerRegistry();
  const active = new Set<string>();
  const raised: RaiseAlarm[] = [];
  const alarms = {
    isActive: (k: string) => active.has(k),
    raise: vi.fn(async (a: RaiseAlarm) => {
      raised.push(a);
      active.add(a.key);
    }),
    clear: vi.fn(async (k: string) => {
      active.delete(k);
    }),
  };
  let doc: ConfigDocument | undefined = DOC;
  const config = {
    head: async () => {
      if (!doc) throw new Error('database away');
      return { version: 1, doc };
    },
  };
  let elsewhere: WorkerStateEntity[] = [];
  const repo = { recentStates: async () => elsewhere };
  const database = { available: true, changedAt: new Date(0) };
  const bus = { emit: vi.fn() };
  const stopped = new Set<string>();
  const adminStates = { applicationState: (app: string) => (stopped.has(app) ? 'stopped' : 'active') };
  const w = new LivenessWatchdog(
    repo as unknown as WorkersRepository,
    config as unknown as ConfigurationService,
    alarms as unknown as AlarmsService,
    bus as unknown as LiveBus,
    database as unknown as DatabaseState,
    registry,
    adminStates as unknown as AdminStatesService,
    { logLevel: 'info', workerForgetAfterMs: 10 * 60_000 } as Env,
  );
  return {
    w,
    registry,
    alarms,
    raised,
    active,
    bus,
    database,
    stopped,
    setDoc: (d: ConfigDocument | undefined) => {
      doc = d;
    },
    reportedElsewhere: (rows: Partial<WorkerStateEntity>[]) => {
      elsewhere = rows as WorkerStateEntity[];
    },
  };
}

/** The JSON lines the watchdog's event log writes on stdout. */
let lines: Record<string, unknown>[] = [];
const flush = () => vi.advanceTimersByTimeAsync(0);

describe('LivenessWatchdog', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    lines = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      if (String(chunk).startsWith('{')) lines.push(JSON.parse(String(chunk)) as Record<string, unknown>); // not Nest's own log lines
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('a silent instance: one 40002 line and one worker-down alarm per episode (heartbeat timeout)', async () => {
    const t = setup();
    t.registry.record(report(), 'remote', Date.now());
    vi.setSystemTime(Date.now() + OFFLINE_AFTER_MS);
    await t.w.checkOffline();
    expect(t.raised).toEqual([]); // exactly OFFLINE_AFTER_MS: still online
    vi.setSystemTime(Date.now() + 1);
    await t.w.checkOffline();
    await t.w.checkOffline();
    expect(t.raised.map((a) => [a.key, a.eventId, a.trigger])).toEqual([['worker-down:SIPProxy_1', 40002, 'heartbeat-timeout']]);
    expect(t.raised[0].reason).toContain('site SiteA');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      event: 40002,
      level: 'error',
      application: 'SIPProxy_1',
      pool: ['SIPProxy_1'],
      site: ['SiteA'],
      trigger: 'heartbeat-timeout',
      silentMs: OFFLINE_AFTER_MS + 1,
      replica: REPLICA_ID,
    });
    expect(t.registry.isDown('SIPProxy_1')).toBe(true);
    expect(t.bus.emit).toHaveBeenCalledWith({ type: 'service-state-changed' });
  });

  it('an instance an operator stopped is gone on purpose: no 40002 line, no worker-down alarm', async () => {
    const t = setup();
    t.registry.record(report(), 'embedded', Date.now());
    t.stopped.add('SIPProxy_1');
    await t.w.workerExited('SIPProxy_1', { code: 0, signal: null });
    vi.setSystemTime(Date.now() + OFFLINE_AFTER_MS + 1);
    await t.w.checkOffline();
    expect(t.raised).toEqual([]);
    expect(lines).toEqual([]);
    expect(t.registry.isDown('SIPProxy_1')).toBe(false);
  });

  it('decides nothing while PostgreSQL is away or back for less than the heartbeat timeout (reports were refused meanwhile)', async () => {
    const t = setup();
    t.registry.record(report(), 'remote', Date.now());
    vi.setSystemTime(Date.now() + 60_000);
    t.database.available = false;
    await t.w.checkOffline();
    t.database.available = true;
    t.database.changedAt = new Date(Date.now() - OFFLINE_AFTER_MS + 1);
    await t.w.checkOffline();
    expect(t.raised).toEqual([]);
    t.database.changedAt = new Date(Date.now() - OFFLINE_AFTER_MS);
    await t.w.checkOffline();
    expect(t.raised).toHaveLength(1);
  });

  it('an instance now reporting to another replica is not gone: its stale view here is forgotten', async () => {
    const t = setup();
    const seen = Date.now();
    t.registry.record(report(), 'remote', seen);
    t.reportedElsewhere([{ app: 'SIPProxy_1', replica: 'other-replica', lastSeenAt: new Date(seen + 1) }]);
    vi.setSystemTime(seen + OFFLINE_AFTER_MS + 1);
    await t.w.checkOffline();
    expect(t.raised).toEqual([]);
    expect(t.registry.apps()).toEqual([]);
  });

  it('a row of this replica, or an older one, does not count as reporting elsewhere', async () => {
    const t = setup();
    const seen = Date.now();
    t.registry.record(report(), 'remote', seen);
    t.reportedElsewhere([
      { app: 'SIPProxy_1', replica: REPLICA_ID, lastSeenAt: new Date(seen + 1) },
      { app: 'SIPProxy_1', replica: 'other-replica', lastSeenAt: new Date(seen) },
    ]);
    vi.setSystemTime(seen + OFFLINE_AFTER_MS + 1);
    await t.w.checkOffline();
    expect(t.raised).toHaveLength(1);
  });

  it('an application removed from the configuration was stopped on purpose: no 40002, no alarm, forgotten', async () => {
    const t = setup();
    t.registry.record(report('SIPProxy_gone'), 'embedded', Date.now());
    await t.w.workerExited('SIPProxy_gone', { code: 0, signal: null });
    expect(t.raised).toEqual([]);
    expect(lines).toEqual([]);
    expect(t.registry.isDown('SIPProxy_gone')).toBe(false);
    expect(t.registry.apps()).toEqual([]);
  });

  it('an embedded process exit: 40002 with the exit code and signal; while PostgreSQL is away, named from the last configuration read', async () => {
    const t = setup();
    t.registry.record(report(), 'embedded', Date.now());
    await t.w.workerExited('SIPProxy_1', { code: 1, signal: null });
    t.registry.record(report(), 'embedded', Date.now());
    t.w.reported(report(), 'embedded');
    await flush();
    t.setDoc(undefined);
    await t.w.workerExited('SIPProxy_1', { code: null, signal: 'SIGKILL' });
    expect(t.raised.map((a) => a.trigger)).toEqual(['process-exit', 'process-exit']);
    expect(lines.filter((l) => l.event === 40002)).toHaveLength(2);
    expect(lines[2]).toMatchObject({
      event: 40002,
      trigger: 'process-exit',
      exitCode: null,
      signal: 'SIGKILL',
      kind: 'embedded',
      pid: 42,
      site: ['SiteA'],
      pool: ['SIPProxy_1'],
    });
    expect(t.registry.apps()).toEqual([]);
  });

  it('a closed channel not reopened within the grace period: 40002 (channel closed)', async () => {
    const t = setup();
    t.registry.record(report(), 'remote', Date.now());
    t.w.channelClosed('SIPProxy_1');
    await vi.advanceTimersByTimeAsync(CHANNEL_GRACE_MS - 1);
    expect(t.raised).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(t.raised.map((a) => a.trigger)).toEqual(['channel-closed']);
  });

  it('a closed channel is not a lost instance when the worker reconnects, keeps reporting, or the control plane is stopping', async () => {
    const reopened = setup();
    reopened.w.channelClosed('SIPProxy_1');
    reopened.registry.addStream({
      app: 'SIPProxy_1',
      res: {} as Response,
      kind: 'remote',
      tokenId: 't',
      ping: undefined as unknown as NodeJS.Timeout,
    });
    await vi.advanceTimersByTimeAsync(CHANNEL_GRACE_MS);

    const reporting = setup();
    reporting.w.channelClosed('SIPProxy_1');
    vi.setSystemTime(Date.now() + 1);
    reporting.registry.record(report(), 'remote', Date.now());
    await vi.advanceTimersByTimeAsync(CHANNEL_GRACE_MS);

    const stopping = setup();
    stopping.w.channelClosed('SIPProxy_1');
    stopping.w.onModuleDestroy(); // clears the grace timer
    stopping.w.channelClosed('SIPProxy_1'); // a channel ended by the shutdown starts none
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(CHANNEL_GRACE_MS);
    await flush();

    expect([...reopened.raised, ...reporting.raised, ...stopping.raised]).toEqual([]);
  });

  it('a report ends the episode: the alarm cleared and the recovery line, with how long and why it was away', async () => {
    const t = setup();
    t.registry.record(report(), 'remote', Date.now());
    await t.w.workerExited('SIPProxy_1', { code: 1, signal: null });
    vi.setSystemTime(Date.now() + 1500);
    t.w.reported(report(), 'remote');
    await flush();
    expect(t.alarms.clear).toHaveBeenCalledWith('worker-down:SIPProxy_1');
    expect(t.active.has('worker-down:SIPProxy_1')).toBe(false);
    expect(t.registry.isDown('SIPProxy_1')).toBe(false);
    expect(lines[1]).toMatchObject({
      level: 'info',
      clears: 40002,
      clearsName: 'SPR_OTHER_PROXY_INSTANCE_DISCONNECTED',
      application: 'SIPProxy_1',
      downForMs: 1500,
      downTrigger: 'process-exit',
    });
  });

  it('a report clears a worker-down alarm left by another replica or an earlier run (no episode here), and otherwise does nothing', async () => {
    const t = setup();
    t.w.reported(report(), 'remote');
    await flush();
    expect(t.alarms.clear).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
    t.active.add('worker-down:SIPProxy_1');
    t.w.reported(report(), 'remote');
    await flush();
    expect(t.alarms.clear).toHaveBeenCalledWith('worker-down:SIPProxy_1');
    expect(lines[0]).not.toHaveProperty('downForMs');
  });

  it('forgets instances silent for ten minutes, then has nothing to report for them', async () => {
    const t = setup();
    t.registry.record(report(), 'remote', Date.now());
    vi.setSystemTime(Date.now() + 10 * 60_000 + 1);
    await t.w.checkOffline();
    expect(t.registry.instancesOf('SIPProxy_1')).toEqual([]);
    expect(t.raised).toEqual([]);
  });
});
