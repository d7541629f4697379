import { describe, it, expect } from 'vitest';
import { betterResponse, upstreamStatus } from './response-selection.js';
import { hashOfBranch, loopHash, makeBranch, statelessBranch } from './loop.js';

describe('best response (RFC 3261 §16.7 step 6)', () => {
  it('prefers 6xx, then the lowest class, then actionable 4xx', () => {
    expect(betterResponse(undefined, 500)).toBe(true);
    expect(betterResponse(500, 404)).toBe(true);
    expect(betterResponse(404, 500)).toBe(false);
    expect(betterResponse(404, 603)).toBe(true);
    expect(betterResponse(603, 302)).toBe(false);
    expect(betterResponse(404, 407)).toBe(true);
    expect(betterResponse(401, 404)).toBe(false);
    expect(upstreamStatus(503)).toBe(500);
    expect(upstreamStatus(486)).toBe(486);
  });
});

describe('loop-detecting branches (§16.6 step 8)', () => {
  const base = { requestUri: 'sip:a@b', routes: [], proxyRequire: [], fromTag: 'f', toTag: undefined, callId: 'c', cseq: 1 };
  it('same routing fields give the same hash, other ones a different hash', () => {
    const h = loopHash(base);
    expect(loopHash({ ...base })).toBe(h);
    expect(loopHash({ ...base, requestUri: 'sip:a@c' })).not.toBe(h);
    const b1 = makeBranch(h);
    const b2 = makeBranch(h);
    expect(b1).not.toBe(b2);
    expect(b1.startsWith('z9hG4bK')).toBe(true);
    expect(hashOfBranch(b1)).toBe(h);
    expect(hashOfBranch('z9hG4bKother')).toBeUndefined();
    expect(statelessBranch('z9hG4bKx', 'c')).toBe(statelessBranch('z9hG4bKx', 'c'));
  });
});

describe('group-mode branches', () => {
  it('carry the worker port', async () => {
    const { setBranchWorkerPort, workerPortOfBranch, makeBranch } = await import('./loop.js');
    expect(workerPortOfBranch(makeBranch('0000abcd'))).toBeUndefined();
    setBranchWorkerPort(48462);
    const b = makeBranch('0000abcd');
    expect(workerPortOfBranch(b)).toBe(48462);
    expect(workerPortOfBranch('z9hG4bKother')).toBeUndefined();
  });
});
