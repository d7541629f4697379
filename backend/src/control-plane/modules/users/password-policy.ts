/**
 * What a password must be, with the reason when it is refused (NIST SP 800-63B §5.1.1.2: a minimum length and a
 * check against values known to be guessed first, not composition rules). Applies to every password a user sets.
 */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

// The first guesses of every password-spraying list; compared case-insensitively.
const DENIED = new Set([
  'password',
  'password1',
  'password12',
  'password123',
  'passw0rd',
  'p@ssw0rd',
  'qwertyui',
  'qwertyuiop',
  'azertyui',
  'asdfghjk',
  'iloveyou',
  'letmein1',
  'welcome1',
  'sunshine',
  'football',
  'baseball',
  'superman',
  'changeme',
  'trustno1',
  'abcdefgh',
  'admin123',
  'admin1234',
  'administrator',
  'root1234',
  'sipedge1',
  'secret12',
]);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why `password` is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, username?: string): string | undefined {
  if (password.length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters long`;
  if (password.length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters long`;
  if (password.trim() === '') return 'must not be only spaces';
  if (password.trim() !== password) return 'must not start or end with a space (easily lost when typed or pasted)';
  if (CONTROL.test(password)) return 'must not contain control characters';
  const lower = password.toLowerCase();
  if (new Set(lower).size === 1) return 'must not be one character repeated';
  if (isRun(lower)) return 'must not be a run of consecutive characters like 12345678 or abcdefgh';
  if (DENIED.has(lower)) return 'is on the list of passwords tried first by attackers';
  if (username && lower.includes(username.toLowerCase()) && lower.length - username.length < 4)
    return 'must not be the user name (or the user name with a few characters added)';
  return undefined;
}

/** 12345678, 87654321, abcdefgh: every character one step from the last, in one direction. */
function isRun(s: string): boolean {
  const step = s.charCodeAt(1) - s.charCodeAt(0);
  if (step !== 1 && step !== -1) return false;
  for (let i = 2; i < s.length; i++) if (s.charCodeAt(i) - s.charCodeAt(i - 1) !== step) return false;
  return true;
}
