import type { ApplicationDoc, ConfigDocument, DnDoc, OptionSections, SwitchDoc } from '../../../contracts/config-document.js';

export type ObjectKindName = 'application' | 'switch' | 'dn';

/** One difference between two documents, keyed by names (stable across reordering), never by list index. */
export interface DocumentChange {
  op: 'add' | 'remove' | 'change';
  object: ObjectKindName;
  /** Application or switch name; for a DN `switch/number`. */
  name: string;
  /** For `change`: `host`, `type`, `backup`, `ports.sip-port`, `sip-server`, `options.sipproxy.oos-check`… */
  field?: string;
  before?: unknown;
  after?: unknown;
}

export const dnKey = (switchName: string, number: string) => `${switchName}/${number}`;

function diffOptions(out: DocumentChange[], object: ObjectKindName, name: string, a: OptionSections, b: OptionSections): void {
  const sections = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const s of sections) {
    const x = a[s] ?? {};
    const y = b[s] ?? {};
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
      if (x[k] !== y[k]) out.push({ op: 'change', object, name, field: `options.${s}.${k}`, before: x[k], after: y[k] });
    }
  }
}

function diffScalar(out: DocumentChange[], object: ObjectKindName, name: string, field: string, a: unknown, b: unknown): void {
  if (a !== b) out.push({ op: 'change', object, name, field, before: a, after: b });
}

function diffApp(out: DocumentChange[], a: ApplicationDoc, b: ApplicationDoc): void {
  diffScalar(out, 'application', a.name, 'type', a.type, b.type);
  diffScalar(out, 'application', a.name, 'host', a.host, b.host);
  diffScalar(out, 'application', a.name, 'backup', a.backup, b.backup);
  for (const p of new Set([...Object.keys(a.ports), ...Object.keys(b.ports)]))
    diffScalar(out, 'application', a.name, `ports.${p}`, a.ports[p], b.ports[p]);
  diffOptions(out, 'application', a.name, a.options, b.options);
}

function diffDn(out: DocumentChange[], sw: string, a: DnDoc, b: DnDoc): void {
  const name = dnKey(sw, a.number);
  diffScalar(out, 'dn', name, 'type', a.type, b.type);
  diffOptions(out, 'dn', name, a.options, b.options);
}

/** What changed from `a` to `b`: added and removed objects whole, changed ones field by field. */
export function diffDocuments(a: ConfigDocument, b: ConfigDocument): DocumentChange[] {
  const out: DocumentChange[] = [];
  const appsA = new Map(a.applications.map((x) => [x.name, x]));
  const appsB = new Map(b.applications.map((x) => [x.name, x]));
  for (const [n, x] of appsA) {
    const y = appsB.get(n);
    if (!y) out.push({ op: 'remove', object: 'application', name: n, before: x });
    else diffApp(out, x, y);
  }
  for (const [n, y] of appsB) if (!appsA.has(n)) out.push({ op: 'add', object: 'application', name: n, after: y });

  const swA = new Map(a.switches.map((x) => [x.name, x]));
  const swB = new Map(b.switches.map((x) => [x.name, x]));
  const dnsOf = (s: SwitchDoc | undefined) => new Map((s?.dns ?? []).map((d) => [d.number, d]));
  for (const [n, x] of swA) {
    const y = swB.get(n);
    if (!y) {
      out.push({ op: 'remove', object: 'switch', name: n, before: { name: x.name, 'sip-server': x.sipServer, dns: x.dns.length } });
    } else diffScalar(out, 'switch', n, 'sip-server', x.sipServer, y.sipServer);
    const da = dnsOf(x);
    const db = dnsOf(y);
    for (const [num, d] of da) {
      const e = db.get(num);
      if (!e) {
        if (y) out.push({ op: 'remove', object: 'dn', name: dnKey(n, num), before: d });
      } else diffDn(out, n, d, e);
    }
    for (const [num, e] of db) if (!da.has(num)) out.push({ op: 'add', object: 'dn', name: dnKey(n, num), after: e });
  }
  for (const [n, y] of swB) {
    if (swA.has(n)) continue;
    out.push({ op: 'add', object: 'switch', name: n, after: { name: y.name, 'sip-server': y.sipServer, dns: y.dns.length } });
    for (const d of y.dns) out.push({ op: 'add', object: 'dn', name: dnKey(n, d.number), after: d });
  }
  return out;
}

/** The names of the objects a change list touches (to bump their revisions). */
export function touchedObjects(changes: DocumentChange[]): { applications: Set<string>; switches: Set<string>; dns: Set<string> } {
  const r = { applications: new Set<string>(), switches: new Set<string>(), dns: new Set<string>() };
  for (const c of changes) (c.object === 'application' ? r.applications : c.object === 'switch' ? r.switches : r.dns).add(c.name);
  return r;
}
