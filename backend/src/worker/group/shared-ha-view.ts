/**
 * One view of each HA pair per worker group (issue 16): the leader (Leadership) probes the pairs with OPTIONS and
 * sends every state change to the other members, which adopt it (HaPair.adopt) without probing, so every member
 * routes to the same active server and only the leader raises the 40001 alarm.
 *
 * A follower still acts at once on what its own forwarded requests show (a timeout, a 503, a request from the
 * backup): its pair switches locally, and it reports the cause to the leader, which applies it to its own monitor
 * and shares the result. When the leader dies the followers keep serving on the last state they know; the member
 * that becomes the leader (the restarted member 0, or the next lowest index) asks the others for their view first
 * and adopts the newest one before its own probes decide.
 */
import type { HaPair, StateChange } from '../../sip/index.js';
import type { GroupBody, Leadership, SharedPairState } from './group-channel.js';

/** What the view needs of the proxy: its pairs (rebuilt by a live change) and the probing switch. */
export interface HaPairs {
  readonly pairs: ReadonlyMap<string, HaPair>;
  setProbing(on: boolean): void;
}

const REPORTED = new Set(['forward-timeout', 'forward-503', 'forward-transport-error', 'forward-reply', 'request-from-server']);

export class SharedHaView {
  /** Set while a change from another member is applied, so it is neither reported nor re-broadcast. */
  private adopting = false;

  constructor(
    private readonly lead: Leadership,
    private readonly proxy: HaPairs,
  ) {
    proxy.setProbing(lead.isLeader);
    lead.onChange(() => this.leaderChanged());
  }

  /** Whether this member raises alarms and logs event 40001 for its pairs (the leader only: one per group). */
  get raisesAlarms(): boolean {
    return this.lead.isLeader;
  }

  /** After the worker started: ask for the group's view (a follower asks the leader; a leader asks everyone). */
  start(): void {
    if (this.lead.isLeader) this.lead.link.send('all', { t: 'ha-hello' });
    else this.lead.link.send(this.lead.leader, { t: 'ha-hello' });
  }

  /** Every local pair change (the worker's pairChanged hook). */
  changed(pair: HaPair, change: StateChange): void {
    if (this.adopting || change.trigger === 'start') return;
    if (this.lead.isLeader) {
      this.lead.link.send('all', { t: 'ha-state', pairs: [{ pair: pair.name, change }] });
    } else if (REPORTED.has(change.trigger)) {
      const r: GroupBody = { t: 'ha-report', pair: pair.name, trigger: change.trigger, server: change.server };
      if (change.code !== undefined) r.code = change.code;
      this.lead.link.send(this.lead.leader, r);
    }
  }

  /** A message for this view; false when it is not one. */
  receive(from: number, body: GroupBody): boolean {
    switch (body.t) {
      case 'ha-hello':
        this.lead.link.send(from, { t: 'ha-state', pairs: this.states() });
        return true;
      case 'ha-state':
        this.adoptAll(from, body.pairs);
        return true;
      case 'ha-report':
        if (this.lead.isLeader) this.applyReport(body);
        return true;
      default:
        return false;
    }
  }

  private states(): SharedPairState[] {
    const out: SharedPairState[] = [];
    for (const p of this.proxy.pairs.values()) {
      const change = p.lastChange();
      if (change) out.push({ pair: p.name, change });
    }
    return out;
  }

  private adoptAll(from: number, states: SharedPairState[]): void {
    const leader = this.lead.isLeader;
    for (const s of states) {
      const p = this.proxy.pairs.get(s.pair);
      if (!p || s.change.trigger === 'start') continue;
      if (leader) {
        // A follower's view reaches the leader only as the answer to its hello: take it when the leader knows
        // nothing newer (a restarted leader starts at 'start'); its own probes decide from there.
        const mine = p.lastChange();
        if (mine && mine.trigger !== 'start' && mine.at >= s.change.at) continue;
        p.adopt(s.change); // not under `adopting`: the leader shares what it now holds and raises the alarm
      } else if (from === this.lead.leader) {
        this.adopting = true;
        try {
          p.adopt(s.change);
        } finally {
          this.adopting = false;
        }
      }
    }
  }

  private applyReport(r: Extract<GroupBody, { t: 'ha-report' }>): void {
    const p = this.proxy.pairs.get(r.pair);
    if (!p) return;
    if (r.trigger === 'request-from-server') p.requestFrom(r.server);
    else if (r.trigger === 'forward-reply') p.forwardSucceeded(r.server, r.code ?? 200);
    else if (r.trigger === 'forward-timeout' || r.trigger === 'forward-503' || r.trigger === 'forward-transport-error')
      p.forwardFailed(r.server, r.trigger, r.code);
    // The leader's state may not change (it already knew): the reporter must still end on the leader's view.
    const change = p.lastChange();
    if (change && change.trigger !== 'start') this.lead.link.send('all', { t: 'ha-state', pairs: [{ pair: p.name, change }] });
  }

  private leaderChanged(): void {
    this.proxy.setProbing(this.lead.isLeader);
    if (this.lead.isLeader) this.lead.link.send('all', { t: 'ha-hello' });
  }
}
