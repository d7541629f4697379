/**
 * What a process of a worker group knows about itself and how it talks to its supervisor: the one typed seam
 * between the process group (group-supervisor.ts) and what the group shares (group-channel*.ts, shared-*.ts).
 *
 * A group member is a `child_process.fork` of the supervisor's entry (cli.js / bench-sut.js) with
 * SIPEDGE_GROUP_INDEX and SIPEDGE_GROUP_SIZE in its environment and the fork's IPC channel (`process.send`,
 * `process.on('message')`) to the supervisor. Members never talk to each other directly: a message for another
 * member goes to the supervisor, which relays it (GroupSupervisor.onMemberMessage / sendTo / broadcast).
 */

/** The env variables that make a process a group member (set by the supervisor, read by memberOfGroup()). */
export const GROUP_INDEX_ENV = 'SIPEDGE_GROUP_INDEX';
export const GROUP_SIZE_ENV = 'SIPEDGE_GROUP_SIZE';

/** A message on the IPC channel: JSON-serializable, with a `type` naming it (the group's own types start `group.`). */
export interface GroupMessage {
  type: string;
  [key: string]: unknown;
}

/** The member's end of its IPC channel to the supervisor. */
export interface GroupChannel {
  /** False when the channel is closed (the supervisor is gone): the caller decides, nothing is thrown. */
  send(msg: GroupMessage): boolean;
  /** Every message the supervisor sends this member (relayed from other members included). */
  onMessage(handler: (msg: GroupMessage) => void): void;
}

export interface GroupMember {
  /** 0 .. size-1; stable across restarts of this member (a restarted member gets its index back). */
  readonly index: number;
  readonly size: number;
  readonly channel: GroupChannel;
}

/** This process's membership, or undefined when it is not a member of a group (a lone worker, or the supervisor). */
export function memberOfGroup(env: NodeJS.ProcessEnv = process.env, proc: NodeJS.Process = process): GroupMember | undefined {
  const index = Number(env[GROUP_INDEX_ENV]);
  const size = Number(env[GROUP_SIZE_ENV]);
  if (!Number.isInteger(index) || !Number.isInteger(size) || size < 1 || index < 0 || index >= size || !proc.send) return undefined;
  const channel: GroupChannel = {
    send: (msg) => {
      if (!proc.connected || !proc.send) return false;
      try {
        return proc.send(msg);
      } catch {
        return false;
      }
    },
    onMessage: (handler) => {
      proc.on('message', (m: unknown) => {
        if (m !== null && typeof m === 'object' && typeof (m as GroupMessage).type === 'string') handler(m as GroupMessage);
      });
    },
  };
  return { index, size, channel };
}

/** `worker-processes` as a process count: 0 is one per core. */
export function groupSize(workerProcesses: number, cores: number): number {
  return workerProcesses === 0 ? Math.max(1, cores) : Math.max(1, Math.floor(workerProcesses));
}
