/**
 * A member's view of its group: it tells the supervisor it serves (`group.ready`), keeps the member table the
 * supervisor sends (`group.members`) for /status and /metrics, and stops itself when its supervisor is gone (the
 * IPC channel closed: the supervisor was killed), so no member outlives its group.
 */
import type { GroupMember, GroupMessage } from './group-member.js';
import type { GroupMemberState, GroupMembersMessage } from './group-supervisor.js';

/** `/status` `group`: the group as one instance with its members (counters elsewhere in /status are this member's). */
export interface GroupStatus {
  size: number;
  /** The member answering (member 0 holds the group's management port). */
  index: number;
  supervisorPid?: number;
  members: GroupMemberState[];
}

export class GroupView {
  private table: GroupMembersMessage | undefined;

  constructor(
    readonly member: GroupMember,
    onSupervisorGone: () => void,
  ) {
    member.channel.onMessage((m: GroupMessage) => {
      if (m.type === 'group.members') this.table = m as GroupMembersMessage;
    });
    process.once('disconnect', onSupervisorGone);
  }

  /** Says this member serves (its ports are bound): the supervisor marks it up. */
  ready(): void {
    this.member.channel.send({ type: 'group.ready', index: this.member.index, pid: process.pid });
  }

  status(): GroupStatus {
    const members = this.table?.members ?? [{ index: this.member.index, pid: process.pid, up: true, restarts: 0 }];
    return { size: this.member.size, index: this.member.index, supervisorPid: this.table?.supervisorPid, members };
  }
}
