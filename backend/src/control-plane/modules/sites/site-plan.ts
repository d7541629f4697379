import type { ApplicationDoc, ConfigDocument, OptionSections, RawOptionValue } from '../../../contracts/config-document.js';
import { caseNote, findSameName } from '../../../contracts/names.js';

/** One SIP Server of the new site's HA pair. */
export interface SiteServer {
  name: string;
  host: string;
  sipPort: number;
  tlsPort?: number;
  options?: OptionSections;
}
/** One SIP Proxy application of the new site's pool. */
export interface SiteProxy {
  name: string;
  host: string;
  sipPort: number;
  tlsPort?: number;
  httpPort?: number;
  options?: OptionSections;
}
export interface SiteRequest {
  /** The switch (site). */
  name: string;
  primary: SiteServer;
  backup: SiteServer;
  /** The pool's VoIP Service DN: its number (default `sipproxy-pool`) and [TServer] options; service-type is set here. */
  pool: { number?: string; options: Record<string, RawOptionValue> };
  /** The proxies of the new pool; none is allowed (the pool DN alone is valid), the site then carries no DNs yet. */
  proxies: SiteProxy[];
}
export interface PlannedObject {
  kind: 'application' | 'switch' | 'dn';
  name: string;
  action: 'create' | 'update';
  summary: string;
}
export interface SitePlan {
  site: string;
  objects: PlannedObject[];
  problems: string[];
}

const OUTBOUND = 'sip-outbound-proxy';
export const DEFAULT_POOL_NUMBER = 'sipproxy-pool';

/**
 * A whole new site as one change: the SIP Server HA pair, the switch, its sip-outbound-proxy VoIP Service DN and the
 * proxies of its pool, and every existing proxy made to monitor the new pair. Built edit by edit this is a dead end:
 * the pool DN is refused (`pair-not-monitored`) until every proxy lists the pair, and a proxy is refused
 * (`pool-not-described`) until the DN exists. Mutates `doc` (a draft) and returns what it did; the caller validates
 * the whole result. `problems` are what the plan itself cannot do (a name already taken).
 */
export function buildSite(doc: ConfigDocument, req: SiteRequest): SitePlan {
  const problems: string[] = [];
  const objects: PlannedObject[] = [];
  const taken = (kind: string, name: string, existing: string | undefined) => {
    if (existing !== undefined)
      problems.push(`${kind} ${name} already exists${existing === name ? '' : ` as ${existing}${caseNote(name, existing)}`}`);
  };
  taken('switch', req.name, findSameName(doc.switches, req.name, (s) => s.name)?.name);
  const newApps = [req.primary.name, req.backup.name, ...req.proxies.map((p) => p.name)];
  newApps.forEach((n, i) => {
    taken('application', n, findSameName(doc.applications, n, (a) => a.name)?.name);
    const twice = newApps.findIndex((m, j) => j < i && findSameName([m], n, (x) => x) !== undefined);
    if (twice >= 0) problems.push(`application ${n} is named twice in this site${caseNote(n, newApps[twice])}`);
  });

  const server = (s: SiteServer, backup?: string): ApplicationDoc => ({
    name: s.name,
    type: 'sip-server',
    host: s.host,
    ports: { 'sip-port': s.sipPort, ...(s.tlsPort ? { 'tls-port': s.tlsPort } : {}) },
    ...(backup ? { backup } : {}),
    options: structuredClone(s.options ?? {}),
  });
  doc.applications.push(server(req.primary, req.backup.name), server(req.backup));
  objects.push({
    kind: 'application',
    name: req.primary.name,
    action: 'create',
    summary: `primary SIP Server ${req.primary.host}:${req.primary.sipPort}, backup ${req.backup.name}`,
  });
  objects.push({
    kind: 'application',
    name: req.backup.name,
    action: 'create',
    summary: `backup SIP Server ${req.backup.host}:${req.backup.sipPort}`,
  });

  const number = req.pool.number || DEFAULT_POOL_NUMBER;
  doc.switches.push({
    name: req.name,
    sipServer: req.primary.name,
    dns: [{ number, type: 'voip-service', options: { TServer: { ...req.pool.options, 'service-type': OUTBOUND } } }],
  });
  objects.push({ kind: 'switch', name: req.name, action: 'create', summary: `served by ${req.primary.name}` });
  objects.push({
    kind: 'dn',
    name: `${req.name}/${number}`,
    action: 'create',
    summary: `${OUTBOUND} VoIP Service DN, external-contact ${String(req.pool.options['external-contact'] ?? '(none)')}`,
  });

  // Every proxy monitors every primary whose switch has a sip-outbound-proxy DN (config-format.md, pair-not-monitored).
  const monitored = doc.switches
    .filter((s) => s.sipServer && s.dns.some((d) => d.type === 'voip-service' && d.options.TServer?.['service-type'] === OUTBOUND))
    .map((s) => s.sipServer!);
  const primaries = [...new Set(monitored)];
  for (const app of doc.applications) {
    if (app.type !== 'sip-proxy') continue;
    const listed = String(app.options.sipproxy?.applications ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (listed.includes(req.primary.name)) continue;
    app.options.sipproxy = { ...app.options.sipproxy, applications: [...listed, req.primary.name].join(',') };
    objects.push({
      kind: 'application',
      name: app.name,
      action: 'update',
      summary: `applications += ${req.primary.name} (monitors the new pair after its restart: applications takes effect after SIP Proxy restart)`,
    });
  }
  for (const p of req.proxies) {
    const own = structuredClone(p.options ?? {});
    doc.applications.push({
      name: p.name,
      type: 'sip-proxy',
      host: p.host,
      ports: { 'sip-port': p.sipPort, ...(p.tlsPort ? { 'tls-port': p.tlsPort } : {}), ...(p.httpPort ? { 'http-port': p.httpPort } : {}) },
      options: {
        ...own,
        sipproxy: { 'sipproxy-role': 10, ...own.sipproxy, applications: primaries.join(','), 'servicing-sipserver': req.primary.name },
      },
    });
    objects.push({
      kind: 'application',
      name: p.name,
      action: 'create',
      summary: `SIP Proxy of the pool, ${p.host}:${p.sipPort}, serving ${req.primary.name}, monitoring ${primaries.join(', ')}`,
    });
  }
  return { site: req.name, objects, problems };
}
