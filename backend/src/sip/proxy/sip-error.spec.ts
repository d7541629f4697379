import { describe, expect, it } from 'vitest';
import { checkMaxForwards } from './request-validation.js';
import { SipError } from './sip-error.js';
import { parse } from '../../../test/support/transaction-kit.js';
import type { SipRequest } from '../message/index.js';

describe('SipError', () => {
  it('is an Error with a code, the response it calls for and no stack frames (thrown per refused request)', () => {
    const req = parse(
      'INVITE sip:a@example.com SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nMax-Forwards: 0\nFrom: <sip:b@h>;tag=1\nTo: <sip:a@example.com>\nCall-ID: c\nCSeq: 1 INVITE\nContent-Length: 0\n\n',
    ) as SipRequest;
    const e = (() => {
      try {
        checkMaxForwards(req);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(SipError);
    expect(e).toBeInstanceOf(Error);
    const s = e as SipError;
    expect([s.code, s.status, s.reason, s.counter, s.name, s.message]).toEqual([
      'too-many-hops',
      483,
      'Too Many Hops',
      'tooManyHops',
      'SipError',
      '483 Too Many Hops',
    ]);
    expect(s.stack?.split('\n').length).toBe(1);
    // The limit is restored for every other error.
    expect(new Error('x').stack?.split('\n').length).toBeGreaterThan(1);
  });
});
