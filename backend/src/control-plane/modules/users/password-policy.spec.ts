import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy.js';

describe('passwordProblem', () => {
  it('accepts ordinary passphrases', () => {
    for (const p of ['password-123', 'correct horse battery staple', 'Tr0ub4dor&3', 'admin-password-it'])
      expect(passwordProblem(p, 'alice')).toBeUndefined();
  });
  it('says why it refuses', () => {
    expect(passwordProblem('1234567')).toMatch(/at least 8/);
    expect(passwordProblem('12345678')).toMatch(/consecutive/);
    expect(passwordProblem('87654321')).toMatch(/consecutive/);
    expect(passwordProblem('abcdefgh')).toMatch(/consecutive/);
    expect(passwordProblem('         ')).toMatch(/only spaces/);
    expect(passwordProblem('secret-pass ')).toMatch(/start or end/);
    expect(passwordProblem('zzzzzzzzzz')).toMatch(/repeated/);
    expect(passwordProblem('Password123')).toMatch(/list/);
    expect(passwordProblem('pass\u0000word-x')).toMatch(/control/);
    expect(passwordProblem('alice-alice', 'alice-alice')).toMatch(/user name/);
    expect(passwordProblem('alice123', 'alice')).toMatch(/user name/);
  });
});
