import type { ConfigDocument } from '../../../contracts/config-document.js';
import { OPTIONS } from '../../../contracts/options/option-schema.js';

/** What a header search finds: enough to name it and to link to its page. */
export type SearchHit =
  | { kind: 'application'; name: string; type: string; host: string | null }
  | { kind: 'switch'; name: string; sipServer: string | null; dnCount: number }
  | { kind: 'dn'; name: string; switch: string; type: string }
  | { kind: 'option'; name: string; section: string; objects: string[]; description: string; setOn: OptionUse[]; setOnCount: number };

/** An object whose configuration sets the option (its value is not repeated here: it may be a secret's reference). */
export type OptionUse = { object: 'application'; name: string } | { object: 'dn'; switch: string; name: string };

const KIND_ORDER = { application: 0, switch: 1, dn: 2, option: 3 } as const;
/** How many objects an option hit lists; `setOnCount` says how many there are. */
const MAX_USES = 5;

/** 0: exact, 1: prefix, 2: inside; undefined: no match. Case-insensitive. */
function rank(text: string, q: string): number | undefined {
  const t = text.toLowerCase();
  if (t === q) return 0;
  if (t.startsWith(q)) return 1;
  return t.includes(q) ? 2 : undefined;
}

/**
 * Everything in the configuration whose name matches `query` (case-insensitive): applications (by name or host),
 * switches, DN numbers, and option names from the registry (canonical or alias) with the objects that set them.
 * Exact matches first, then prefixes, then the rest; within a rank applications, switches, DNs, options.
 */
export function search(doc: ConfigDocument, query: string): SearchHit[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const found: { hit: SearchHit; rank: number }[] = [];
  const add = (hit: SearchHit, r: number | undefined) => {
    if (r !== undefined) found.push({ hit, rank: r });
  };
  const best = (...rs: (number | undefined)[]) => {
    const m = Math.min(...rs.map((r) => r ?? Infinity));
    return Number.isFinite(m) ? m : undefined;
  };

  for (const a of doc.applications) {
    add(
      { kind: 'application', name: a.name, type: a.type, host: a.host ?? null },
      best(rank(a.name, q), a.host ? rank(a.host, q) : undefined),
    );
  }
  for (const s of doc.switches) {
    add({ kind: 'switch', name: s.name, sipServer: s.sipServer ?? null, dnCount: s.dns.length }, rank(s.name, q));
    for (const d of s.dns) add({ kind: 'dn', name: d.number, switch: s.name, type: d.type }, rank(d.number, q));
  }
  // One hit per option name (the registry has e.g. oos-check for the proxy and for DNs: both are listed as objects).
  const byName = new Map<string, { section: Set<string>; objects: Set<string>; description: string; r: number }>();
  for (const o of OPTIONS) {
    const r = best(rank(o.name, q), ...o.aliases.map((al) => rank(al, q)));
    if (r === undefined) continue;
    const e = byName.get(o.name) ?? { section: new Set<string>(), objects: new Set<string>(), description: o.description, r };
    e.section.add(o.section);
    for (const k of o.objects) e.objects.add(k);
    byName.set(o.name, e);
  }
  for (const [name, e] of byName) {
    const uses: OptionUse[] = [];
    for (const a of doc.applications)
      if (Object.values(a.options).some((sec) => name in sec)) uses.push({ object: 'application', name: a.name });
    for (const s of doc.switches)
      for (const d of s.dns)
        if (Object.values(d.options).some((sec) => name in sec)) uses.push({ object: 'dn', switch: s.name, name: d.number });
    add(
      {
        kind: 'option',
        name,
        section: [...e.section].join(', '),
        objects: [...e.objects],
        description: e.description,
        setOn: uses.slice(0, MAX_USES),
        setOnCount: uses.length,
      },
      e.r,
    );
  }
  return found
    .sort(
      (x, y) =>
        x.rank - y.rank ||
        KIND_ORDER[x.hit.kind] - KIND_ORDER[y.hit.kind] ||
        x.hit.name.localeCompare(y.hit.name, undefined, { numeric: true }),
    )
    .map((f) => f.hit);
}
