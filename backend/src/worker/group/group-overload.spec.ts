import { describe, expect, it } from 'vitest';
import { DialogRateLimiter } from '../../sip/index.js';
import { Leadership, type GroupBody, type GroupLink } from './group-channel.js';
import { GroupOverload, splitRate } from './group-overload.js';

/** Members wired to each other in memory (what the supervisor's relay does between processes). */
function memoryGroup(size: number): GroupLink[] {
  const handlers: ((from: number, body: GroupBody) => void)[][] = Array.from({ length: size }, () => []);
  return Array.from({ length: size }, (_, index) => ({
    index,
    size,
    send(to, body) {
      const targets = to === 'all' ? handlers.map((_, i) => i).filter((i) => i !== index) : [to];
      for (const i of targets) for (const h of handlers[i]) h(index, structuredClone(body));
    },
    onMessage(fn) {
      handlers[index].push(fn);
    },
  }));
}

describe('the group overload rate', () => {
  it('splits the rate by demand, summing to the rate', () => {
    const s = splitRate(10, [18, 0]);
    expect(s[0] + s[1]).toBeCloseTo(10);
    expect(s[0]).toBeCloseTo(9.5);
    expect(splitRate(10, [0, 0])).toEqual([5, 5]);
  });

  it.each([
    { title: 'all on member 1', to: () => 1 },
    { title: 'alternating between the members', to: (step: number) => step % 2 },
  ])('two members at 20 INVITEs/s ($title) admit about the group rate (10/s), not 10/s each', ({ to }) => {
    let t = 0;
    const links = memoryGroup(2);
    const limiters = links.map(() => new DialogRateLimiter(10, () => t));
    const groups = links.map((link, i) => {
      const g = new GroupOverload(new Leadership(link), () => limiters[i], 500);
      link.onMessage((from, body) => g.receive(from, body));
      g.start();
      g.stop(); // ticks are driven by hand below
      return g;
    });
    let admitted = 0;
    // 10 s: every 50 ms an INVITE to member 1; each 500 ms tick the follower reports first, then the leader splits.
    for (let step = 1; step <= 200; step++) {
      t = step * 50;
      if (limiters[to(step)].admit()) admitted++;
      if (step % 10 === 0) {
        groups[1].tick();
        groups[0].tick();
      }
    }
    expect(admitted).toBeGreaterThanOrEqual(85); // 10 s at about 10/s (a share follows the demand a tick late)
    expect(admitted).toBeLessThanOrEqual(111);
    expect(groups[0].share! + groups[1].share!).toBeCloseTo(10);
  });
});
