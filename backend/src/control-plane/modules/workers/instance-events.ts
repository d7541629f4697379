import type { ConfigDocument } from '../../../contracts/config-document.js';
import { LOG_EVENTS } from '../../../contracts/log-events.js';

/**
 * Log event 40002 (SPR_OTHER_PROXY_INSTANCE_DISCONNECTED, the guide's "Error Handling"). Pool members never talk to
 * each other here, so the control plane is the party that sees a SIP Proxy instance go: it logs the event, with the
 * instance's pool and site, and raises the `worker-down:<app>` alarm carrying the same event id.
 */
export const INSTANCE_DISCONNECTED = 40002 as const;
export const INSTANCE_DISCONNECTED_NAME = LOG_EVENTS[INSTANCE_DISCONNECTED].name;
export const INSTANCE_DISCONNECTED_TEXT = LOG_EVENTS[INSTANCE_DISCONNECTED].text;

/** What made the control plane decide the instance is gone. */
export type DisconnectTrigger = 'heartbeat-timeout' | 'process-exit' | 'channel-closed';

/** Where a SIP Proxy application sits: its serving HA pair, the sites (switches) that pair serves, its pool. */
export interface ProxyPlacement {
  /** False when the application is no longer a SIP Proxy of the configuration (stopped on purpose, not lost). */
  configured: boolean;
  /** The primary SIP Server of the serving HA pair (`[sipproxy] servicing-sipserver`) and its backup. */
  haPair?: string;
  haPairBackup?: string;
  /** Switches served by that pair. */
  sites: string[];
  /** Every SIP Proxy application serving the same pair, this one included. */
  pool: string[];
}

const servingOf = (a: ConfigDocument['applications'][number]): string | undefined => {
  const v = a.options.sipproxy?.['servicing-sipserver'];
  return v === undefined || v === '' ? undefined : String(v);
};

export function placementOf(doc: ConfigDocument, app: string): ProxyPlacement {
  const a = doc.applications.find((x) => x.name === app);
  if (!a || a.type !== 'sip-proxy') return { configured: false, sites: [], pool: [] };
  const haPair = servingOf(a);
  if (!haPair) return { configured: true, sites: [], pool: [app] };
  const pool = doc.applications.filter((x) => x.type === 'sip-proxy' && servingOf(x) === haPair).map((x) => x.name);
  return {
    configured: true,
    haPair,
    haPairBackup: doc.applications.find((x) => x.name === haPair)?.backup,
    sites: doc.switches.filter((s) => s.sipServer === haPair).map((s) => s.name),
    pool,
  };
}

/** ` (site SiteA, SIP Server HA pair SIPServer_A/SIPServer_A_backup)`, or '' when nothing is known. */
export function describePlacement(p: ProxyPlacement | undefined): string {
  if (!p?.haPair) return '';
  const parts = [];
  if (p.sites.length) parts.push(`site ${p.sites.join(', ')}`);
  parts.push(`SIP Server HA pair ${p.haPair}${p.haPairBackup ? `/${p.haPairBackup}` : ''}`);
  return ` (${parts.join(', ')})`;
}

/** The cause in words, for the log line and the alarm's reason. */
export function describeCause(trigger: DisconnectTrigger, d: { silentMs?: number; code?: number | null; signal?: string | null }): string {
  switch (trigger) {
    case 'heartbeat-timeout':
      return `no report for ${Math.round((d.silentMs ?? 0) / 1000)} s (heartbeat timeout)`;
    case 'process-exit':
      return `its process exited (${d.signal ? `signal ${d.signal}` : `code ${String(d.code)}`})`;
    case 'channel-closed':
      return 'its worker channel closed and it has not reported since';
  }
}
