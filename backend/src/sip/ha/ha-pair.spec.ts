import { describe, it, expect } from 'vitest';
import { FakeClock } from './clock.js';
import { HaPair, type HaServer, type ProbeOutcome, type Prober, type StateChange } from './ha-pair.js';

const P: HaServer = { name: 'SIPServer_A', host: '127.0.0.1', port: 5070, transport: 'udp' };
const B: HaServer = { name: 'SIPServer_A_backup', host: '127.0.0.2', port: 5070, transport: 'udp' };

/** Answers probes per server after `delayMs`, or never when the behaviour is 'silent'. */
class FakeProber implements Prober {
  behaviour = new Map<string, { code: number } | 'silent' | 'transport'>();
  sent: string[] = [];
  constructor(
    private clock: FakeClock,
    private delayMs = 10,
  ) {}
  probe(server: HaServer, done: (o: ProbeOutcome) => void): { cancel(): void } {
    this.sent.push(server.host);
    const b = this.behaviour.get(server.host) ?? { code: 200 };
    let live = true;
    if (b !== 'silent') {
      this.clock.setTimeout(() => {
        if (live) done(b === 'transport' ? { error: 'transport' } : b);
      }, this.delayMs);
    }
    return {
      cancel: () => {
        live = false;
      },
    };
  }
}

function setup(withBackup = true) {
  const clock = new FakeClock();
  const prober = new FakeProber(clock);
  let wall = 1_000_000;
  const changes: StateChange[] = [];
  const pair = new HaPair(
    'SIPServer_A',
    P,
    withBackup ? B : undefined,
    { oosCheckS: 5, oosForceS: 3, probeTimeoutMs: 1000 },
    prober,
    clock,
    () => wall + clock.now(),
  );
  pair.onChange = (_p, c) => changes.push(c);
  pair.start();
  void wall;
  wall = 1_000_000;
  return { clock, prober, pair, changes };
}

describe('HaPair (guide: Active Out-of-Service Detection)', () => {
  it('probes the primary every oos-check seconds and stays primary-active while it answers', () => {
    const { clock, prober, pair } = setup();
    clock.advance(20_100);
    expect(pair.state).toBe('primary-active');
    expect(prober.sent.filter((h) => h === P.host).length).toBe(5); // t=0,5,10,15,20
    expect(prober.sent).not.toContain(B.host);
    expect(pair.health('primary')?.lastRttMs).toBe(10);
  });

  it('primary silent -> backup pinged -> backup active, with trigger and RTT recorded', () => {
    const { clock, prober, pair, changes } = setup();
    clock.advance(100);
    prober.behaviour.set(P.host, 'silent');
    clock.advance(5_000 + 1_000 + 20);
    expect(pair.state).toBe('backup-active');
    expect(pair.activeServer()).toEqual(B);
    const last = changes[changes.length - 1];
    expect(last).toMatchObject({ from: 'primary-active', to: 'backup-active', trigger: 'probe-timeout', server: 'primary', rttMs: 10 });
  });

  // Saw it fail on the old code: after the failover the primary got no probe at all and stayed 'down'.
  it('after a failover the old primary is probed every oos-force s; back, it shows up + standby and traffic stays on the backup', () => {
    const { clock, prober, pair } = setup();
    clock.advance(100);
    prober.behaviour.set(P.host, 'silent');
    clock.advance(5_000 + 1_000 + 20);
    expect(pair.state).toBe('backup-active');
    const sentBefore = prober.sent.filter((h) => h === P.host).length;
    clock.advance(3_000 * 3 + 1_000 * 3 + 50); // three oos-force rounds, each with its probe timeout
    expect(prober.sent.filter((h) => h === P.host).length - sentBefore).toBe(3);
    expect(pair.health('primary')?.status).toBe('down');
    prober.behaviour.set(P.host, { code: 200 });
    clock.advance(4_100);
    const primary = pair.snapshot().servers.find((x) => x.role === 'primary')!;
    expect(primary).toMatchObject({ status: 'up', standby: true });
    expect(primary.lastSeenAt).toBeGreaterThan(0);
    expect(pair.state).toBe('backup-active'); // no failback
    const after = prober.sent.filter((h) => h === P.host).length;
    clock.advance(20_000);
    expect(prober.sent.filter((h) => h === P.host).length).toBe(after); // up again: no more standby probes
  });

  it('neither answers -> out of service; both pinged every oos-force; one back -> recovered without restart', () => {
    const { clock, prober, pair, changes } = setup();
    prober.behaviour.set(P.host, 'silent');
    prober.behaviour.set(B.host, 'transport');
    clock.advance(1_100);
    expect(pair.state).toBe('out-of-service');
    expect(pair.activeServer()).toBeUndefined();
    expect(changes.at(-1)).toMatchObject({ to: 'out-of-service', trigger: 'probe-timeout' });
    prober.sent = [];
    clock.advance(3_000 + 1_000 + 5);
    expect(prober.sent.sort()).toEqual([P.host, B.host].sort());
    prober.behaviour.set(B.host, { code: 200 });
    clock.advance(3_000 + 1_000 + 5);
    expect(pair.state).toBe('backup-active');
    expect(changes.at(-1)).toMatchObject({ from: 'out-of-service', to: 'backup-active', trigger: 'probe-reply', code: 200 });
  });

  it('prefers the primary when both answer in the out-of-service round', () => {
    const { clock, prober, pair } = setup();
    prober.behaviour.set(P.host, 'silent');
    prober.behaviour.set(B.host, 'silent');
    clock.advance(2_100);
    expect(pair.state).toBe('out-of-service');
    prober.behaviour.delete(P.host);
    prober.behaviour.delete(B.host);
    clock.advance(3_100);
    expect(pair.state).toBe('primary-active');
  });

  it('a 503 answer counts as not serving', () => {
    const { clock, prober, pair, changes } = setup();
    prober.behaviour.set(P.host, { code: 503 });
    clock.advance(50);
    expect(pair.state).toBe('backup-active');
    expect(changes.at(-1)).toMatchObject({ trigger: 'probe-reply', code: 503 });
  });

  it('a pair without backup goes out of service directly', () => {
    const { clock, prober, pair } = setup(false);
    prober.behaviour.set(P.host, 'silent');
    clock.advance(1_100);
    expect(pair.state).toBe('out-of-service');
  });

  it('a request from the backup makes it active (second trigger)', () => {
    const { pair, changes } = setup();
    pair.requestFrom('backup');
    expect(pair.state).toBe('backup-active');
    expect(changes.at(-1)).toMatchObject({ trigger: 'request-from-server', server: 'backup' });
    pair.requestFrom('backup');
    expect(changes.filter((c) => c.to === 'backup-active').length).toBe(1);
  });

  it('forwarding failures switch to the other server, and to out of service when it is down too', () => {
    const { pair, changes } = setup();
    pair.forwardFailed('primary', 'forward-timeout');
    expect(pair.state).toBe('backup-active');
    expect(changes.at(-1)).toMatchObject({ trigger: 'forward-timeout', server: 'primary' });
    pair.forwardFailed('backup', 'forward-503', 503);
    expect(pair.state).toBe('out-of-service');
    pair.forwardSucceeded('primary', 180);
    expect(pair.state).toBe('primary-active');
  });

  it('oos-check changes apply immediately; 0 turns probing off', () => {
    const { clock, prober, pair } = setup();
    clock.advance(100);
    prober.sent = [];
    pair.setTiming({ oosCheckS: 1, oosForceS: 3, probeTimeoutMs: 500 });
    clock.advance(3_050);
    expect(prober.sent.length).toBe(3);
    pair.setTiming({ oosCheckS: 0, oosForceS: 3, probeTimeoutMs: 500 });
    prober.sent = [];
    clock.advance(10_000);
    expect(prober.sent.length).toBe(0);
  });

  it('keeps a bounded history and stops cleanly', () => {
    const { clock, pair } = setup();
    for (let i = 0; i < 80; i++) pair.requestFrom(i % 2 ? 'primary' : 'backup');
    expect(pair.snapshot().history.length).toBe(50);
    pair.stop();
    clock.advance(60_000);
    expect(clock.pending()).toBe(0);
  });
});

describe('HaPair traffic-based liveness', () => {
  it('a probe timeout while the server answers forwarded requests does not take it out of service', () => {
    const clock = new FakeClock();
    const prober = new FakeProber(clock);
    const pair = new HaPair('X', P, undefined, { oosCheckS: 5, oosForceS: 3, probeTimeoutMs: 1000 }, prober, clock);
    pair.start();
    prober.behaviour.set(P.host, 'silent');
    clock.advance(500);
    pair.noteTraffic('primary');
    clock.advance(600);
    expect(pair.state).toBe('primary-active');
    clock.advance(5_000 + 1_100);
    expect(pair.state).toBe('out-of-service');
  });
});

describe('HaPair: a server forced out of service by an operator (manual switchover, maintenance)', () => {
  it('forcing the active primary switches over to the backup (trigger admin); its answers and requests do not bring it back', () => {
    const { clock, pair, changes } = setup();
    clock.advance(100);
    pair.setForcedOutOfService('primary', true);
    expect(pair.state).toBe('backup-active');
    expect(changes.at(-1)).toMatchObject({ from: 'primary-active', to: 'backup-active', trigger: 'admin', server: 'primary' });
    pair.requestFrom('primary');
    pair.forwardSucceeded('primary', 200);
    clock.advance(30_000);
    expect(pair.state).toBe('backup-active');
    expect(pair.other('backup')).toBeUndefined(); // no failover retry onto it either
    expect(pair.snapshot().servers.find((s) => s.role === 'primary')).toMatchObject({ adminOutOfService: true, standby: false });
  });

  it('the backup failing while the primary is forced out takes the pair out of service; clearing lets the probes bring the primary back', () => {
    const { clock, prober, pair, changes } = setup();
    clock.advance(100);
    pair.setForcedOutOfService('primary', true);
    prober.behaviour.set(B.host, 'silent');
    clock.advance(5_000 + 1_000 + 20);
    expect(pair.state).toBe('out-of-service');
    expect(changes.at(-1)?.trigger).toBe('probe-timeout');
    clock.advance(10_000);
    expect(pair.state).toBe('out-of-service'); // the primary answers, but it is forced out
    pair.setForcedOutOfService('primary', false);
    clock.advance(50);
    expect(pair.state).toBe('primary-active');
  });

  it('forcing the only usable server out takes the pair out of service with trigger admin', () => {
    const { clock, pair, changes } = setup(false);
    clock.advance(100);
    pair.setForcedOutOfService('primary', true);
    expect(pair.state).toBe('out-of-service');
    expect(changes.at(-1)?.trigger).toBe('admin');
    clock.advance(20_000);
    expect(pair.state).toBe('out-of-service');
  });

  it('forcing the standby server does not move the traffic', () => {
    const { clock, pair, changes } = setup();
    clock.advance(100);
    const n = changes.length;
    pair.setForcedOutOfService('backup', true);
    expect(pair.state).toBe('primary-active');
    expect(changes.length).toBe(n);
  });

  it("a follower (probing off) sends no OPTIONS, adopts the leader's change, and probes at once when it leads", () => {
    const { clock, prober, pair, changes } = setup();
    pair.setProbing(false);
    prober.sent.length = 0;
    clock.advance(20_000);
    expect(prober.sent).toEqual([]);
    const leader: StateChange = { at: 42, from: 'primary-active', to: 'backup-active', trigger: 'probe-timeout', server: 'primary' };
    pair.adopt(leader);
    expect(pair.state).toBe('backup-active');
    expect(changes[changes.length - 1]).toMatchObject({ at: 42, to: 'backup-active', trigger: 'probe-timeout', server: 'primary' });
    expect(pair.health('primary')?.status).toBe('down');
    pair.adopt(leader); // already there: nothing recorded
    expect(changes.filter((c) => c.to === 'backup-active')).toHaveLength(1);
    clock.advance(20_000);
    expect(prober.sent).toEqual([]);
    pair.setProbing(true);
    clock.advance(50);
    expect(prober.sent).toContain(B.host);
  });
});
