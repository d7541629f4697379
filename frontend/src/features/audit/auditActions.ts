/**
 * The audit log stores what the server did in its own terms (`config.commit`, `PATCH /api/users/:id`, `login failed`);
 * an operator reads it in words. Unknown actions (a route added later) are shown as stored, never hidden.
 */
const ACTIONS: Record<string, string> = {
  'config.commit': 'Configuration saved',
  'config.export-with-secrets': 'Exported with secrets',
  login: 'Signed in',
  'login failed': 'Sign-in failed',
  'password change failed': 'Password change failed',
  'POST /api/auth/logout': 'Signed out',
  'POST /api/auth/password': 'Changed own password',
  'POST /api/users': 'Created user',
  'PATCH /api/users/:id': 'Changed user',
  'DELETE /api/users/:id': 'Removed user',
  'POST /api/applications': 'Created application',
  'PATCH /api/applications/:name': 'Changed application',
  'DELETE /api/applications/:name': 'Deleted application',
  'POST /api/switches': 'Created switch',
  'PATCH /api/switches/:name': 'Changed switch',
  'DELETE /api/switches/:name': 'Deleted switch',
  'POST /api/switches/:sw/dns': 'Created DN',
  'PATCH /api/switches/:sw/dns/:number': 'Changed DN',
  'DELETE /api/switches/:sw/dns/:number': 'Deleted DN',
  'POST /api/sites': 'Created site',
  'POST /api/workers/:id/restart': 'Restarted worker',
  'POST /api/workers/tokens': 'Created worker token',
  'DELETE /api/workers/tokens/:id': 'Revoked worker token',
  'POST /api/alarms/:id/acknowledge': 'Acknowledged alarm',
  'POST /api/config/import': 'Imported configuration',
  'POST /api/config/versions/:version/rollback': 'Rolled back configuration',
  'POST /api/trunks/provision': 'Provisioned trunks',
};

const VERBS: Record<string, string> = { POST: 'Created', PUT: 'Replaced', PATCH: 'Changed', DELETE: 'Deleted' };

export function auditActionLabel(action: string): string {
  const known = ACTIONS[action];
  if (known) return known;
  // A write route not in the table: "<verb> <last fixed path segment>", e.g. "Changed widgets".
  const m = /^(POST|PUT|PATCH|DELETE) \/api\/(.+)$/.exec(action);
  if (!m) return action;
  const fixed = m[2]!.split('/').filter((s) => s && !s.startsWith(':'));
  return `${VERBS[m[1]!]} ${fixed[fixed.length - 1] ?? 'resource'}`;
}
