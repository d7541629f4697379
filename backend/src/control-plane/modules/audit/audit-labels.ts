import type { AuthedRequest } from '../../common/auth-context.js';

/** The id lookups a label may need (AuditRepository). */
export interface LabelLookups {
  usernameOf(id: string): Promise<string | undefined>;
  workerTokenAppOf(id: string): Promise<string | undefined>;
  alarmKeyOf(id: string): Promise<string | undefined>;
}

type Req = Pick<AuthedRequest, 'body' | 'params' | 'user'>;
type Rule = (
  req: Req,
  params: Record<string, string>,
  body: Record<string, unknown>,
  lookups: LabelLookups,
) => Promise<string | undefined> | string | undefined;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : undefined);
const named = (kind: string, name: string | undefined): string | undefined => (name ? `${kind} ${name}` : undefined);

/**
 * The target of each write route in words, by route path. Routes that name an object by id (users, worker tokens,
 * alarms) are looked up before the handler runs, so a DELETE still gets the name of what it deleted.
 */
const RULES: Record<string, Rule> = {
  '/api/users': (_r, _p, b) => named('user', text(b.username)),
  '/api/users/:id': async (_r, p, _b, l) => `user ${(await l.usernameOf(p.id)) ?? p.id}`,
  '/api/applications': (_r, _p, b) => named('application', text(b.name)),
  '/api/applications/:name': (_r, p) => `application ${p.name}`,
  '/api/switches': (_r, _p, b) => named('switch', text(b.name)),
  '/api/switches/:name': (_r, p) => `switch ${p.name}`,
  '/api/switches/:sw/dns': (_r, p, b) => (text(b.number) ? `DN ${text(b.number)} on switch ${p.sw}` : `DNs of switch ${p.sw}`),
  '/api/switches/:sw/dns/:number': (_r, p) => `DN ${p.number} on switch ${p.sw}`,
  '/api/workers/:id/restart': (_r, p) => `worker of SIP Proxy ${p.id}`,
  '/api/applications/:name/admin-state': (_r, p, b) =>
    `administrative state of application ${p.name}${text(b.state) ? ` (${text(b.state)})` : ''}`,
  '/api/sip-servers/:name/admin-state': (_r, p, b) =>
    `administrative state of SIP Server ${p.name}${text(b.state) ? ` (${text(b.state)})` : ''}`,
  '/api/workers/tokens': (_r, _p, b) => named('worker token for', text(b.app)),
  '/api/workers/tokens/:id': async (_r, p, _b, l) => named('worker token for', await l.workerTokenAppOf(p.id)),
  '/api/alarms/:id/acknowledge': async (_r, p, _b, l) => named('alarm', await l.alarmKeyOf(p.id)),
  '/api/config/import': () => 'the whole configuration (YAML import)',
  '/api/config/versions/:version/rollback': (_r, p) => `configuration version ${p.version}`,
  '/api/trunks/provision': (_r, _p, b) =>
    text(b.switch) && text(b.remoteSwitch) ? `trunks from switch ${text(b.switch)} to switch ${text(b.remoteSwitch)}` : undefined,
  '/api/sites': (_r, _p, b) => named('new site', text(b.name)),
  '/api/auth/logout': (r) => named('session of', r.user?.username),
};

/** The label of the target of a write to `routePath`, or undefined when there is no better name than the path. */
export async function targetLabel(routePath: string | undefined, req: Req, lookups: LabelLookups): Promise<string | undefined> {
  const rule = routePath ? RULES[routePath] : undefined;
  if (!rule) return undefined;
  const params = Object.fromEntries(Object.entries((req.params ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  const body = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
  return rule(req, params, body, lookups);
}
