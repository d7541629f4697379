import type { ConfigDocument, DnDoc, RawOptionValue, SwitchDoc } from '../../../contracts/config-document.js';

export type TrunkMode = 'dns' | 'per-server';
export interface ProvisionRequest {
  switch: string;
  remoteSwitch: string;
  mode: TrunkMode;
  /** DNS mode: the FQDN whose SRV records name the remote primary and backup SIP Servers. */
  contact?: string;
  /** Use TLS between the sites (contact ;transport=tls, peer-proxy-protocol tls, peer-proxy-port-tls). */
  tls?: boolean;
  oosCheck?: number;
  oosForce?: number;
}
export interface PlannedTrunk {
  number: string;
  action: 'create' | 'update' | 'unchanged' | 'remove';
  options: Record<string, RawOptionValue>;
}
export interface TrunkPlan {
  switch: string;
  remoteSwitch: string;
  mode: TrunkMode;
  trunks: PlannedTrunk[];
  problems: string[];
}

const OUTBOUND = 'sip-outbound-proxy';
export const trunkNames = (remote: string) => ({ dns: `to-${remote}`, primary: `to-${remote}-primary`, backup: `to-${remote}-backup` });

function outboundDn(sw: SwitchDoc | undefined): DnDoc | undefined {
  return sw?.dns.find((d) => d.type === 'voip-service' && d.options.TServer?.['service-type'] === OUTBOUND);
}

/**
 * The trunks of `switch` towards `remoteSwitch` as the guide's "Configure multi-site call handling" describes them,
 * filled from the remote site's own configuration: one trunk with an FQDN contact in DNS mode, one per server of the
 * remote HA pair otherwise. Pure: the caller applies it. Re-planning after applying gives only `unchanged`.
 */
export function planTrunks(doc: ConfigDocument, req: ProvisionRequest): TrunkPlan {
  const problems: string[] = [];
  const local = doc.switches.find((s) => s.name === req.switch);
  const remote = doc.switches.find((s) => s.name === req.remoteSwitch);
  if (!local) problems.push(`switch ${req.switch} does not exist`);
  if (!remote) problems.push(`remote switch ${req.remoteSwitch} does not exist`);
  if (req.switch === req.remoteSwitch) problems.push('the remote site must be another switch');
  const remoteOutbound = outboundDn(remote);
  const externalContact = remoteOutbound?.options.TServer?.['external-contact'];
  if (remote && typeof externalContact !== 'string')
    problems.push(
      `remote switch ${req.remoteSwitch} has no ${OUTBOUND} VoIP Service DN with external-contact (needed for peer-proxy-contact)`,
    );
  const remotePrimary = doc.applications.find((a) => a.name === remote?.sipServer);
  const remoteBackup = remotePrimary?.backup ? doc.applications.find((a) => a.name === remotePrimary.backup) : undefined;
  const localOutbound = outboundDn(local);
  const oosCheck = req.oosCheck ?? numberOr(localOutbound?.options.TServer?.['oos-check'], 5);
  const oosForce = req.oosForce ?? numberOr(localOutbound?.options.TServer?.['oos-force'], 5);
  // The remote pool's TLS port: the remote outbound DN's sip-port-tls, else the remote proxies' tls-port.
  const remoteTlsPort = numberOr(remoteOutbound?.options.TServer?.['sip-port-tls'], 0) || remoteProxyTlsPort(doc, remote?.sipServer);
  if (req.tls && !remoteTlsPort)
    problems.push(`remote switch ${req.remoteSwitch} has no TLS port (sip-port-tls on its VoIP Service DN or tls-port on its proxies)`);

  // The guide: resolve-external-contact is true on every trunk that has peer-proxy-contact.
  const base: Record<string, RawOptionValue> = {
    'oos-check': oosCheck,
    'oos-force': oosForce,
    'peer-proxy-contact': typeof externalContact === 'string' ? externalContact : '',
    'resolve-external-contact': true,
  };
  if (req.tls) {
    base['peer-proxy-protocol'] = 'tls';
    if (remoteTlsPort) base['peer-proxy-port-tls'] = remoteTlsPort;
  }
  const tlsSuffix = req.tls ? ';transport=tls' : '';
  const names = trunkNames(req.remoteSwitch);
  const wanted = new Map<string, Record<string, RawOptionValue>>();
  if (req.mode === 'dns') {
    if (!req.contact) problems.push('DNS mode needs contact: the FQDN whose SRV records name the remote primary and backup SIP Servers');
    wanted.set(names.dns, { ...base, contact: `${req.contact ?? ''}${tlsSuffix}`, 'replace-uri-contact': true });
  } else {
    if (!remotePrimary) problems.push(`remote switch ${req.remoteSwitch} names no SIP Server (sip-server) to make trunks to`);
    for (const [number, app] of [
      [names.primary, remotePrimary],
      [names.backup, remoteBackup],
    ] as const) {
      if (!app) continue;
      const port = req.tls ? app.ports['tls-port'] : app.ports['sip-port'];
      if (!app.host || !port) {
        problems.push(`SIP Server ${app.name} needs a host and ${req.tls ? 'tls-port' : 'sip-port'} for a per-server trunk`);
        continue;
      }
      wanted.set(number, { ...base, contact: `${app.host}:${port}${tlsSuffix}` });
    }
  }
  const trunks: PlannedTrunk[] = [];
  for (const [number, options] of wanted) {
    const existing = local?.dns.find((d) => d.number === number);
    const action = !existing ? 'create' : sameOptions(existing, options) ? 'unchanged' : 'update';
    trunks.push({ number, action, options });
  }
  // Converge: the other mode's trunks towards the same site go away.
  for (const number of Object.values(names)) {
    if (wanted.has(number)) continue;
    const existing = local?.dns.find((d) => d.number === number && d.type === 'trunk');
    if (existing) trunks.push({ number, action: 'remove', options: {} });
  }
  return { switch: req.switch, remoteSwitch: req.remoteSwitch, mode: req.mode, trunks, problems };
}

/** Applies a plan to a document in place. */
export function applyTrunkPlan(doc: ConfigDocument, plan: TrunkPlan): void {
  const sw = doc.switches.find((s) => s.name === plan.switch);
  if (!sw) return;
  for (const t of plan.trunks) {
    const i = sw.dns.findIndex((d) => d.number === t.number);
    if (t.action === 'remove') {
      if (i >= 0) sw.dns.splice(i, 1);
      continue;
    }
    if (t.action === 'unchanged') continue;
    if (i < 0) sw.dns.push({ number: t.number, type: 'trunk', options: { TServer: { ...t.options } } });
    else {
      const dn = sw.dns[i];
      dn.type = 'trunk';
      dn.options = { ...dn.options, TServer: { ...dn.options.TServer, ...t.options } };
    }
  }
}

function sameOptions(dn: DnDoc, options: Record<string, RawOptionValue>): boolean {
  if (dn.type !== 'trunk') return false;
  const t = dn.options.TServer ?? {};
  return Object.entries(options).every(([k, v]) => t[k] === v);
}

function numberOr(v: unknown, d: number): number {
  return typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : d;
}

function remoteProxyTlsPort(doc: ConfigDocument, server: string | undefined): number {
  if (!server) return 0;
  for (const a of doc.applications) {
    if (a.type !== 'sip-proxy') continue;
    const apps = String(a.options.sipproxy?.['servicing-sipserver'] ?? '');
    if (apps === server && a.ports['tls-port']) return a.ports['tls-port'];
  }
  return 0;
}
