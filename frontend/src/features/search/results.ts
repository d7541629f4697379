import type { SearchHit } from './api';

/** One row of the result list: what it is, its name, a line of detail and the page it opens. */
export interface ResultRow {
  id: string;
  kind: 'Application' | 'Switch' | 'DN' | 'Option';
  label: string;
  detail: string;
  to: string;
}

const enc = encodeURIComponent;
const DN_TYPE: Record<string, string> = { 'voip-service': 'VoIP Service', trunk: 'Trunk', extension: 'Extension' };

/** The rows a hit gives: one per hit, except an option, which gives one per object that sets it (up to five). */
export function rowsOf(hit: SearchHit): ResultRow[] {
  switch (hit.kind) {
    case 'application':
      return [
        {
          id: `a:${hit.name}`,
          kind: 'Application',
          label: hit.name,
          detail: `${hit.type === 'sip-proxy' ? 'SIP Proxy' : hit.type === 'sip-server' ? 'SIP Server' : hit.type}${hit.host ? ` on ${hit.host}` : ''}`,
          to: `/applications/${enc(hit.name)}`,
        },
      ];
    case 'switch':
      return [
        {
          id: `s:${hit.name}`,
          kind: 'Switch',
          label: hit.name,
          detail: `${hit.dnCount} DN${hit.dnCount === 1 ? '' : 's'}${hit.sipServer ? `, HA pair ${hit.sipServer}` : ''}`,
          to: `/switches/${enc(hit.name)}`,
        },
      ];
    case 'dn':
      return [
        {
          id: `d:${hit.switch}/${hit.name}`,
          kind: 'DN',
          label: hit.name,
          detail: `${DN_TYPE[hit.type] ?? hit.type} on ${hit.switch}`,
          to: `/switches/${enc(hit.switch)}/dns/${enc(hit.name)}`,
        },
      ];
    case 'option': {
      if (hit.setOn.length === 0) {
        const onApps = hit.objects.some((o) => o === 'sip-proxy' || o === 'sip-server');
        return [
          {
            id: `o:${hit.name}`,
            kind: 'Option',
            label: hit.name,
            detail: `[${hit.section}] set nowhere (its default applies)`,
            to: onApps ? '/applications' : '/switches',
          },
        ];
      }
      const more = hit.setOnCount - hit.setOn.length;
      return hit.setOn.map((u, i) => ({
        id: `o:${hit.name}:${u.object}:${u.object === 'dn' ? `${u.switch}/` : ''}${u.name}`,
        kind: 'Option' as const,
        label: hit.name,
        detail: `[${hit.section}] set on ${u.object === 'dn' ? `DN ${u.name} of ${u.switch}` : u.name}${i === hit.setOn.length - 1 && more > 0 ? ` (and ${more} more)` : ''}`,
        to: u.object === 'dn' ? `/switches/${enc(u.switch)}/dns/${enc(u.name)}` : `/applications/${enc(u.name)}`,
      }));
    }
  }
}
