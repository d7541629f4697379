import { describe, expect, it } from 'vitest';

describe('the group flow-token key', () => {
  it('a process importing the group channel has one in its environment (what its forked members inherit), and a link takes it', async () => {
    const { GROUP_FLOW_KEY_ENV, groupFlowKey, linkOverChannel } = await import('./group-channel.js');
    expect(process.env[GROUP_FLOW_KEY_ENV]).toMatch(/^[0-9a-f]{64}$/);
    const link = linkOverChannel(1, 2, { send: () => true, onMessage: () => undefined });
    expect(link.flowKey).toEqual(groupFlowKey());
  });
});
