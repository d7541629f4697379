import { describe, expect, it } from 'vitest';
import { DialogCount } from './dialog-count.js';

describe('DialogCount', () => {
  it('counts dialogs opened by a 2xx and ended by a BYE, once per Call-ID', () => {
    const d = new DialogCount();
    d.established('a');
    d.established('a'); // a retransmitted 2xx
    d.established('b');
    expect(d.size).toBe(2);
    d.ended('a');
    d.ended('x'); // a BYE of a dialog set up before the count began
    expect(d.size).toBe(1);
  });

  it('forgets the oldest past its bound', () => {
    const d = new DialogCount(2);
    d.established('a');
    d.established('b');
    d.established('c');
    expect(d.size).toBe(2);
    d.ended('a');
    expect(d.size).toBe(2);
  });
});
