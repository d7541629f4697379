/**
 * A worker's shared state as a member of a worker group: who leads (Leadership), the one HA view (SharedHaView),
 * the group's overload rate (GroupOverload). The worker creates it when started with a GroupLink and routes
 * its pair changes here; messages from the other members are dispatched to the part they are for.
 */
import type { HaPair, StateChange } from '../../sip/index.js';
import { Leadership, type GroupBody, type GroupLink } from './group-channel.js';
import { GroupOverload, type SharedLimiter } from './group-overload.js';
import { SharedHaView, type HaPairs } from './shared-ha-view.js';

export interface GroupSharedParts {
  proxy: HaPairs & { readonly limiter: SharedLimiter };
  /** Extra receivers (the flow handoff); each returns true when the message was for it. */
  receivers?: ((from: number, body: GroupBody) => boolean)[];
}

export class GroupSharedState {
  readonly lead: Leadership;
  readonly ha: SharedHaView;
  readonly overload: GroupOverload;
  private readonly receivers: ((from: number, body: GroupBody) => boolean)[];

  constructor(
    readonly link: GroupLink,
    parts: GroupSharedParts,
  ) {
    this.lead = new Leadership(link);
    this.ha = new SharedHaView(this.lead, parts.proxy);
    this.overload = new GroupOverload(this.lead, () => parts.proxy.limiter);
    this.receivers = parts.receivers ?? [];
    link.onMessage((from, body) => this.receive(from, body));
  }

  addReceiver(r: (from: number, body: GroupBody) => boolean): void {
    this.receivers.push(r);
  }

  start(): void {
    this.ha.start();
    this.overload.start();
  }

  stop(): void {
    this.overload.stop();
  }

  pairChanged(pair: HaPair, change: StateChange): void {
    this.ha.changed(pair, change);
  }

  /** For /status: this member's place in the group. */
  status(): { index: number; size: number; leader: number; members: number[]; overloadShare?: number } {
    const s: { index: number; size: number; leader: number; members: number[]; overloadShare?: number } = {
      index: this.link.index,
      size: this.link.size,
      leader: this.lead.leader,
      members: this.lead.members(),
    };
    if (this.overload.share !== undefined) s.overloadShare = Math.round(this.overload.share * 100) / 100;
    return s;
  }

  private receive(from: number, body: GroupBody): void {
    if (body.t === 'members') {
      this.lead.update(body.alive);
      return;
    }
    if (this.ha.receive(from, body) || this.overload.receive(from, body)) return;
    for (const r of this.receivers) if (r(from, body)) return;
  }
}
