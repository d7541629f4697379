import type { Response } from 'express';
import { describe, expect, it } from 'vitest';
import type { WorkerReport } from '../../../contracts/worker-protocol.js';
import { WorkerRegistry, type WorkerStream } from './worker-registry.js';

const report = (app: string, instanceId: string, configVersion = 1): WorkerReport =>
  ({
    app,
    instanceId,
    configVersion,
    pid: 1,
    hostname: 'h',
    startedAt: '',
    listeners: [],
    counters: {},
    connections: 0,
    notes: [],
    alarms: [],
    pairs: [],
  }) as unknown as WorkerReport;
const stream = (app: string, tokenId = 't'): WorkerStream => ({
  app,
  tokenId,
  kind: 'remote',
  res: {} as Response,
  ping: undefined as unknown as NodeJS.Timeout,
});

describe('WorkerRegistry', () => {
  it('keeps the open channels of each application', () => {
    const r = new WorkerRegistry();
    const a1 = stream('A'),
      a2 = stream('A'),
      b = stream('B');
    for (const s of [a1, a2, b]) r.addStream(s);
    expect(r.streamCount('A')).toBe(2);
    expect(r.streamsOf('A')).toEqual([a1, a2]);
    expect(r.allStreams()).toEqual([a1, a2, b]);
    r.removeStream(a1);
    r.removeStream(a1);
    expect(r.streamsOf('A')).toEqual([a2]);
    expect(r.streamCount('C')).toBe(0);
    expect(r.streamsOf('C')).toEqual([]);
  });

  it('hands out copies: removing a channel while going through them is safe', () => {
    const r = new WorkerRegistry();
    const a1 = stream('A'),
      a2 = stream('A');
    r.addStream(a1);
    r.addStream(a2);
    const seen: WorkerStream[] = [];
    for (const s of r.streamsOf('A')) {
      seen.push(s);
      r.removeStream(s);
    }
    expect(seen).toEqual([a1, a2]);
    expect(r.streamCount('A')).toBe(0);
  });

  it('keeps the latest report of each instance and says whether it is the first one', () => {
    const r = new WorkerRegistry();
    expect(r.record(report('A', 'i1', 1), 'embedded', 100)).toBeUndefined();
    expect(r.record(report('A', 'i1', 2), 'embedded', 200)?.report.configVersion).toBe(1);
    expect(r.record(report('A', 'i2'), 'remote', 150)).toBeUndefined();
    expect(r.instancesOf('A').map((s) => [s.report.instanceId, s.lastSeen, s.kind, s.here])).toEqual([
      ['i1', 200, 'embedded', true],
      ['i2', 150, 'remote', true],
    ]);
    expect(r.latest('A')?.report.configVersion).toBe(2);
    expect(r.lastSeen('A')).toBe(200);
    expect(r.lastSeen('B')).toBe(0);
    expect(r.latest('B')).toBeUndefined();
    expect(r.apps()).toEqual(['A']);
  });

  it('drops silent instances but keeps their application listed until it is forgotten', () => {
    const r = new WorkerRegistry();
    r.record(report('A', 'old'), 'remote', 100);
    r.record(report('A', 'new'), 'remote', 300);
    r.dropInstancesSilentSince('A', 300);
    expect(r.instancesOf('A').map((s) => s.report.instanceId)).toEqual(['new']);
    // The last instance dropped: the application is forgotten with it (no listed application without a report).
    r.dropInstancesSilentSince('A', 301);
    expect(r.instancesOf('A')).toEqual([]);
    expect(r.apps()).toEqual([]);
    expect(r.latest('A')).toBeUndefined();
    r.dropInstancesSilentSince('B', 1); // unknown application: nothing to do
  });

  it('opens one disconnected episode per application until it is cleared', () => {
    const r = new WorkerRegistry();
    expect(r.isDown('A')).toBe(false);
    expect(r.markDown('A', { since: 1, trigger: 'channel-closed' })).toBe(true);
    expect(r.markDown('A', { since: 2, trigger: 'heartbeat-timeout' })).toBe(false);
    expect(r.isDown('A')).toBe(true);
    expect(r.clearDown('A')).toEqual({ since: 1, trigger: 'channel-closed' });
    expect(r.clearDown('A')).toBeUndefined();
    expect(r.isDown('A')).toBe(false);
  });

  it('remembers that shutdown began', () => {
    const r = new WorkerRegistry();
    expect(r.shuttingDown).toBe(false);
    r.beginShutdown();
    r.beginShutdown();
    expect(r.shuttingDown).toBe(true);
  });
});
