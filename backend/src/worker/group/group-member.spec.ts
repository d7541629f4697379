import { describe, expect, it } from 'vitest';
import { groupSize, memberOfGroup } from './group-member.js';

describe('worker group membership', () => {
  it('worker-processes as a process count: 0 is one per core, 1 is a lone process', () => {
    expect(groupSize(0, 16)).toBe(16);
    expect(groupSize(0, 0)).toBe(1);
    expect(groupSize(1, 16)).toBe(1);
    expect(groupSize(4, 2)).toBe(4);
  });

  it('is a member only with an index below the size and an IPC channel', () => {
    const withIpc = { send: () => true, connected: true, on: () => undefined } as unknown as NodeJS.Process;
    const env = (index: string, size: string) => ({ SIPEDGE_GROUP_INDEX: index, SIPEDGE_GROUP_SIZE: size });
    expect(memberOfGroup(env('1', '2'), withIpc)).toMatchObject({ index: 1, size: 2 });
    expect(memberOfGroup(env('2', '2'), withIpc)).toBeUndefined();
    expect(memberOfGroup({}, withIpc)).toBeUndefined();
    expect(memberOfGroup(env('0', '2'), { on: () => undefined } as unknown as NodeJS.Process)).toBeUndefined();
  });
});
