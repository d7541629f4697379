/**
 * The typed messages the members of a worker group exchange (one SIP Proxy application run as several processes on
 * one host, issue 16), and the one thing they need from the process model: a channel to the other members.
 *
 * Members never talk to each other directly: each has an IPC channel to the group's parent (its supervisor), which
 * relays an envelope to the member it names, or to every other member (`GroupRelay`). The leader is the lowest
 * member index the parent says is alive (member 0 while it runs): it probes the HA pairs and collects the overload
 * counts. A member that learns nothing from the parent assumes every index below `size` is alive.
 */
import { randomBytes } from 'node:crypto';
import type { Destination, FlowBinding, HaTrigger, MessageSource, ServerRole, StateChange } from '../../sip/index.js';

/** A binding as one member shares it (expiry relative: each member's clock). */
export type SharedBinding = Omit<FlowBinding, 'registeredAt' | 'expiresAt'> & { expiresS: number };

/** One HA pair as a member sees it: its last change (the leader's, or this member's own). */
export interface SharedPairState {
  pair: string;
  change: StateChange;
}

export type GroupBody =
  /** parent -> members: the members alive now (after a start, an exit, a restart). */
  | { t: 'members'; alive: number[] }
  /** a member (re)started: asks the others (a new leader) or the leader (a follower) for their HA view. */
  | { t: 'ha-hello' }
  /** HA view: the leader's after each change and in answer to a hello; a follower's in answer to a new leader's hello. */
  | { t: 'ha-state'; pairs: SharedPairState[] }
  /** follower -> leader: a forwarded request showed something about a server (the leader applies it too). */
  | { t: 'ha-report'; pair: string; trigger: HaTrigger; server: ServerRole; code?: number }
  /** member -> leader, each tick: new INVITEs this member was asked to admit since its last report. */
  | { t: 'ovl-demand'; arrivals: number }
  /** leader -> member: its share of overload-ctrl-dialog-rate (INVITEs per second) until the next one. */
  | { t: 'ovl-share'; rate: number }
  /** member -> holder of a flow: send these bytes down your connection (RFC 5626 §5.3 over IPC). */
  | { t: 'flow-send'; data: string; dest: Destination }
  /**
   * member -> all: a binding registered over one of its flows (expiresS 0: removed), so the others find the flow by
   * the registered Contact too (registrars that ignore Path); `flow.member` names the holder of a TCP/TLS flow.
   */
  | { t: 'flow-bind'; binding: SharedBinding }
  /** holder -> member: a response that came back on the flow for a request the member sent through it. */
  | { t: 'flow-response'; data: string; source: MessageSource };

/**
 * The shared state's message on a member's IPC channel to its supervisor (the group's GroupMessage shape: a `type`
 * not starting with `group.`, which the supervisor reserves for its own and passes the rest to its relay).
 */
export interface GroupEnvelope {
  type: 'shared';
  from: number;
  /** A member index, or every member but the sender. */
  to: number | 'all';
  body: GroupBody;
}

/** The supervisor's member table (`group.members`, sent to every member on each change); only what is read here. */
export interface GroupMembersTable {
  type: 'group.members';
  /** `pid` is set while the member's process runs (starting included), unset while it waits for its restart. */
  members: { index: number; up: boolean; pid?: number }[];
}

export function isGroupEnvelope(m: unknown): m is GroupEnvelope {
  return (
    typeof m === 'object' &&
    m !== null &&
    (m as { type?: unknown }).type === 'shared' &&
    typeof (m as GroupEnvelope).body === 'object' &&
    (m as GroupEnvelope).body !== null
  );
}

function isMembersTable(m: unknown): m is GroupMembersTable {
  return (
    typeof m === 'object' &&
    m !== null &&
    (m as { type?: unknown }).type === 'group.members' &&
    Array.isArray((m as GroupMembersTable).members)
  );
}

/** What a member needs from the process model: its place in the group and a channel to the others. */
export interface GroupLink {
  readonly index: number;
  readonly size: number;
  /**
   * The group's flow-token key (FlowRegistry): one for every member, so a token one member wrote is read by all.
   * It is in SIPEDGE_GROUP_FLOW_KEY: the supervisor process made it when it imported this file, before forking the
   * members, which inherit it. Absent, each member keeps a key of its own and a flow is reached only through the
   * member that registered it (the worker says so in its notes).
   */
  readonly flowKey?: Buffer;
  send(to: number | 'all', body: GroupBody): void;
  /** Every message for this member; the supervisor's member table arrives as `members` (from = -1). */
  onMessage(fn: (from: number, body: GroupBody) => void): void;
}

/** The lowest index of the members running: the member that probes HA pairs and shares overload counts. */
export class Leadership {
  private alive: number[];
  private readonly listeners: ((leader: number) => void)[] = [];

  constructor(readonly link: GroupLink) {
    this.alive = Array.from({ length: link.size }, (_, i) => i);
  }

  get leader(): number {
    return this.alive.length ? Math.min(...this.alive) : this.link.index;
  }

  get isLeader(): boolean {
    return this.leader === this.link.index;
  }

  members(): number[] {
    return [...this.alive];
  }

  /**
   * The supervisor's table: the members whose process runs (starting ones too, so a member being forked again takes
   * the lead back at once instead of the next one leading until it is ready); this member counts itself in. Calls
   * back when the leader changed.
   */
  update(alive: number[]): void {
    const before = this.leader;
    this.alive = alive.includes(this.link.index) ? [...alive] : [...alive, this.link.index].sort((a, b) => a - b);
    if (this.leader !== before) for (const l of this.listeners) l(this.leader);
  }

  onChange(fn: (leader: number) => void): void {
    this.listeners.push(fn);
  }
}

/** A member's end of its IPC channel to the supervisor (the group's GroupChannel, structurally). */
export interface MemberChannel {
  send(msg: { type: string }): unknown;
  onMessage(handler: (msg: { type: string }) => void): void;
}

export const GROUP_FLOW_KEY_ENV = 'SIPEDGE_GROUP_FLOW_KEY';

/** A new flow-token key for a group (hex, for GROUP_FLOW_KEY_ENV): 32 random bytes, kept for the group's life. */
export function newGroupFlowKey(): string {
  return randomBytes(32).toString('hex');
}

/** The group's flow-token key from the environment, if the supervisor set one. */
export function groupFlowKey(env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  const hex = env[GROUP_FLOW_KEY_ENV];
  return hex && /^[0-9a-f]{32,}$/i.test(hex) ? Buffer.from(hex, 'hex') : undefined;
}

// The supervisor is the same entry as its members (cli.js, bench-sut.js) and imports this file before it forks
// them: a process without a group key makes one here, so every member it forks (and forks again) inherits the same
// key in its environment. A member finds its parent's key and keeps it. A lone worker's key is never used.
if (groupFlowKey() === undefined) process.env[GROUP_FLOW_KEY_ENV] = newGroupFlowKey();

/** The link over a member's channel: envelopes out, envelopes and the member table in. */
export function linkOverChannel(
  index: number,
  size: number,
  channel: MemberChannel,
  flowKey: Buffer | undefined = groupFlowKey(),
): GroupLink {
  return {
    index,
    size,
    ...(flowKey ? { flowKey } : {}),
    send(to, body) {
      const env: GroupEnvelope = { type: 'shared', from: index, to, body };
      try {
        channel.send(env);
      } catch {
        // the supervisor is gone: the member keeps serving on what it knows
      }
    },
    onMessage(fn) {
      channel.onMessage((m) => {
        if (isGroupEnvelope(m)) fn(m.from, m.body);
        else if (isMembersTable(m))
          fn(-1, { t: 'members', alive: m.members.filter((x) => x.up || x.pid !== undefined).map((x) => x.index) });
      });
    },
  };
}

/** The link over this process's own IPC channel (a member started with `fork`). */
export function processLink(
  index: number,
  size: number,
  proc: Pick<NodeJS.Process, 'send' | 'on' | 'connected' | 'env'> = process,
): GroupLink {
  return linkOverChannel(
    index,
    size,
    {
      send: (m) => (proc.connected && proc.send ? proc.send(m) : false),
      onMessage: (h) => {
        proc.on('message', (m: unknown) => {
          if (typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string') h(m as { type: string });
        });
      },
    },
    groupFlowKey(proc.env),
  );
}

/** The supervisor's side, as much of it as the relay needs (GroupSupervisor fits). */
export interface RelayHost {
  onMemberMessage(handler: (index: number, msg: { type: string }) => void): void;
  sendTo(index: number, msg: { type: string }): unknown;
  broadcast(msg: { type: string }, except?: number): void;
}

/**
 * Relays the shared state's envelopes between members at the supervisor: to the member named, or to every member
 * but the sender. The sender's index is the supervisor's, never what the envelope claims.
 */
export function relaySharedState(host: RelayHost): void {
  host.onMemberMessage((index, msg) => {
    if (!isGroupEnvelope(msg)) return;
    const m: GroupEnvelope = { ...msg, from: index };
    if (m.to === 'all') host.broadcast(m, index);
    else if (m.to !== index) host.sendTo(m.to, m);
  });
}
