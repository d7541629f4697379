import { isDeepStrictEqual } from 'node:util';
import type { ApplicationDoc, ConfigDocument, DnDoc, SwitchDoc } from '../../../contracts/config-document.js';

/**
 * How a stored version differs from the one before it, exactly (order included), so that a version can be rebuilt
 * from the nearest full snapshot below it. Not the operator's change list (document-diff.ts): that one is for
 * reading, and leaves out what reordering and a removed switch's DNs would need.
 *
 * A list (applications, switches, one switch's DNs) is either replaced whole (`all`, when its order changed) or
 * patched by name: `remove` the names that left (and those re-put), then insert each `put` value at its index of the
 * new list, in ascending index order.
 */
export type ListDelta<T> = { all: T[] } | { remove?: string[]; put?: { at: number; value: T }[] };

/** A switch without its DNs: they travel in `dns`, keyed by switch name. */
export type SwitchHeader = Omit<SwitchDoc, 'dns'>;

export interface DocumentDelta {
  version?: number;
  applications?: ListDelta<ApplicationDoc>;
  switches?: ListDelta<SwitchHeader>;
  /** By switch name (of the new document): that switch's DN list. */
  dns?: Record<string, ListDelta<DnDoc>>;
}

/** A full snapshot at most every this many versions, so a version is rebuilt from at most this many deltas. */
export const SNAPSHOT_EVERY = 100;

/**
 * Whether version `version` is stored as a full snapshot: the first one, every `SNAPSHOT_EVERY` versions after the
 * last snapshot, or when the deltas since it (this one included) outweigh half of it (an import, a mass edit), so
 * rebuilding never reads more than 1.5 snapshots' worth.
 */
export function isSnapshotDue(last: { version: number; bytes: number } | undefined, version: number, deltaBytesSince: number): boolean {
  return !last || version - last.version >= SNAPSHOT_EVERY || deltaBytesSince * 2 > last.bytes;
}

function header(s: SwitchDoc): SwitchHeader {
  const { dns: _dns, ...rest } = s;
  return rest;
}

function listDelta<T>(a: readonly T[], b: readonly T[], key: (x: T) => string, same: (x: T, y: T) => boolean): ListDelta<T> | undefined {
  const inA = new Map<string, T>();
  for (const x of a) inA.set(key(x), x);
  const inB = new Set<string>();
  for (const y of b) inB.add(key(y));
  if (inA.size !== a.length || inB.size !== b.length) return { all: [...b] }; // duplicate names (refused documents): keep it simple
  const remove: string[] = [];
  for (const k of inA.keys()) if (!inB.has(k)) remove.push(k);
  const put: { at: number; value: T }[] = [];
  const kept: string[] = [];
  b.forEach((y, at) => {
    const k = key(y);
    const x = inA.get(k);
    if (x === undefined) put.push({ at, value: y });
    else if (!same(x, y)) {
      put.push({ at, value: y });
      remove.push(k);
    } else kept.push(k);
  });
  // Patching by name reproduces `b` only if what stays keeps its order.
  let i = 0;
  const removed = new Set(remove);
  for (const x of a) {
    const k = key(x);
    if (removed.has(k)) continue;
    if (kept[i++] !== k) return { all: [...b] };
  }
  if (!put.length && !remove.length) return undefined;
  return { ...(remove.length ? { remove } : {}), ...(put.length ? { put } : {}) };
}

function applyList<T>(list: readonly T[], d: ListDelta<T>, key: (x: T) => string): T[] {
  if ('all' in d) return [...d.all];
  const removed = new Set(d.remove ?? []);
  const out = removed.size ? list.filter((x) => !removed.has(key(x))) : [...list];
  for (const p of d.put ?? []) out.splice(p.at, 0, p.value);
  return out;
}

const byName = (x: { name: string }) => x.name;
const byNumber = (x: DnDoc) => x.number;

/** What turns `a` into `b` (undefined: nothing). Objects equal in content are not repeated. */
export function documentDelta(a: ConfigDocument, b: ConfigDocument): DocumentDelta | undefined {
  const d: DocumentDelta = {};
  if (a.version !== b.version) d.version = b.version;
  const apps = listDelta(a.applications, b.applications, byName, isDeepStrictEqual);
  if (apps) d.applications = apps;
  const sw = listDelta(a.switches.map(header), b.switches.map(header), byName, isDeepStrictEqual);
  if (sw) d.switches = sw;
  const before = new Map(a.switches.map((s) => [s.name, s]));
  for (const s of b.switches) {
    const old = before.get(s.name);
    const dl = old
      ? old.dns === s.dns
        ? undefined
        : listDelta(old.dns, s.dns, byNumber, (x, y) => x === y || isDeepStrictEqual(x, y))
      : s.dns.length
        ? { all: [...s.dns] }
        : undefined;
    if (dl) (d.dns ??= {})[s.name] = dl;
  }
  return Object.keys(d).length ? d : undefined;
}

/** `doc` with `delta` applied; `doc` is not modified (objects the delta does not touch are shared with it). */
export function applyDocumentDelta(doc: ConfigDocument, delta: DocumentDelta | null | undefined): ConfigDocument {
  if (!delta) return doc;
  const applications = delta.applications ? applyList(doc.applications, delta.applications, byName) : doc.applications;
  let switches = doc.switches;
  if (delta.switches) {
    const old = new Map(doc.switches.map((s) => [s.name, s]));
    switches = applyList(doc.switches.map(header), delta.switches, byName).map((h) => ({ ...h, dns: old.get(h.name)?.dns ?? [] }));
  }
  if (delta.dns) {
    switches = switches.map((s) => {
      const dl = delta.dns![s.name];
      return dl ? { ...s, dns: applyList(s.dns, dl, byNumber) } : s;
    });
  }
  return { ...doc, version: delta.version ?? doc.version, applications, switches };
}
