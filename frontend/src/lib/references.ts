import type { Application, SwitchView, TrunkLink } from '../api';

/** The comma-separated (or listed) `[sipproxy] applications` of a proxy. */
export function monitoredPairs(a: Application): string[] {
  const v = a.options?.sipproxy?.applications;
  if (Array.isArray(v)) return v.map(String);
  return typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

export const servingOf = (a: Application): string | undefined => {
  const v = a.options?.sipproxy?.['servicing-sipserver'] ?? a.options?.sipproxy?.['serving-sipserver'];
  return typeof v === 'string' && v ? v : undefined;
};

/** What names application `name`, in words for the delete dialog ("switch SiteA is served by it"). */
export function applicationReferences(name: string, apps: Application[], switches: SwitchView[]): string[] {
  const out: string[] = [];
  for (const s of switches) if (s.sipServer === name) out.push(`switch ${s.name} is served by it (sip-server)`);
  for (const a of apps) {
    if (a.name === name) continue;
    if (a.type === 'sip-server' && a.backup === name) out.push(`SIP Server ${a.name} names it as its backup`);
    if (a.type === 'sip-proxy') {
      if (servingOf(a) === name) out.push(`SIP Proxy ${a.name} serves it (servicing-sipserver)`);
      else if (monitoredPairs(a).includes(name)) out.push(`SIP Proxy ${a.name} monitors it ([sipproxy] applications)`);
    }
  }
  return out;
}

/** What depends on switch `name`: its DNs, other sites' trunks to it, the proxy pool that serves only it. */
export function switchReferences(sw: SwitchView, apps: Application[], switches: SwitchView[], trunks: TrunkLink[]): string[] {
  const out: string[] = [];
  if (sw.dnCount > 0) out.push(`its ${sw.dnCount} DN${sw.dnCount === 1 ? '' : 's'} (deleted with it)`);
  for (const t of trunks)
    if (t.remoteSwitch === sw.name && t.switch !== sw.name) out.push(`trunk ${t.number} of switch ${t.switch} leads to it`);
  const shared = switches.some((s) => s.name !== sw.name && s.sipServer && s.sipServer === sw.sipServer);
  if (sw.sipServer && !shared) {
    for (const a of apps)
      if (a.type === 'sip-proxy' && servingOf(a) === sw.sipServer) out.push(`SIP Proxy ${a.name} serves its HA pair ${sw.sipServer}`);
  }
  return out;
}

/** SIP Servers that may become the backup of a new primary: not a backup already and not a primary with a backup. */
export function backupCandidates(servers: Application[]): Application[] {
  const taken = new Set(servers.map((s) => s.backup).filter(Boolean));
  return servers.filter((s) => s.type === 'sip-server' && !s.backup && !taken.has(s.name));
}

/** Primaries: SIP Servers nobody names as backup (a switch and a proxy name the primary of a pair). */
export function primaries(servers: Application[]): Application[] {
  const taken = new Set(servers.map((s) => s.backup).filter(Boolean));
  return servers.filter((s) => s.type === 'sip-server' && !taken.has(s.name));
}
