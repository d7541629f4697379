/**
 * What changed in one SIP Proxy application's effective configuration, as the worker protocol carries it (`delta`):
 * the top-level parts that differ (replaced whole: they are small), and per switch only the DNs that differ (a DN
 * upserted after its predecessor, or removed), so an edit of one DN among 100,000 travels as that DN. Exact: applying
 * `effectiveDelta(a, b)` to `a` gives a configuration equal to `b` (same content, same order, same `version`).
 */
import type { EffectiveExtension, EffectiveProxyConfig, EffectiveSwitch, EffectiveTrunk } from './effective-config.js';

/** The top-level members of an effective configuration other than `switches` and `version` (replaced whole). */
export const EFFECTIVE_TOP_KEYS = [
  'schemaVersion',
  'application',
  'options',
  'tls',
  'managementTls',
  'servingPair',
  'haPairs',
  'poolPeers',
] as const;
export type EffectiveTopKey = (typeof EFFECTIVE_TOP_KEYS)[number];

/** One DN list (trunks or extensions) of a switch: removed numbers, then entries upserted in the new list's order. */
export interface DnListDelta<T> {
  readonly remove: readonly string[];
  /** `after`: the number it follows in the new list (null: first). An existing number is replaced where it is. */
  readonly upsert: readonly { readonly after: string | null; readonly entry: T }[];
}

export interface SwitchDelta {
  readonly name: string;
  /** The whole switch (a new one, or one whose DN order changed). */
  readonly whole?: EffectiveSwitch;
  /** Present when changed (null: now unset). */
  readonly sipServer?: string | null;
  readonly outboundProxy?: EffectiveSwitch['outboundProxy'] | null;
  readonly trunks?: DnListDelta<EffectiveTrunk>;
  readonly extensions?: DnListDelta<EffectiveExtension>;
}

export interface EffectiveDelta {
  /** The `version` of the configuration this delta applies to. */
  readonly fromVersion: string;
  /** The `version` of the result. */
  readonly toVersion: string;
  /** Top-level members replaced whole. */
  readonly set: Partial<Record<EffectiveTopKey, unknown>>;
  /** Top-level members now absent. */
  readonly unset: readonly EffectiveTopKey[];
  /** Every switch name, in order (so removals and reorders are exact). */
  readonly switchOrder: readonly string[];
  readonly switches: readonly SwitchDelta[];
}

export class EffectiveDeltaError extends Error {
  override readonly name = 'EffectiveDeltaError';
}

/** Both sides come from the same compiler (or its JSON round trip): member order is the same, so JSON compares. */
const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

function listDelta<T extends { number: string }>(a: readonly T[], b: readonly T[]): DnListDelta<T> | 'reordered' | undefined {
  const before = new Map(a.map((d) => [d.number, d]));
  const after = new Set(b.map((d) => d.number));
  // Entries kept on both sides must keep their relative order: an upsert replaces in place.
  const keptA = a.filter((d) => after.has(d.number)).map((d) => d.number);
  const keptB = b.filter((d) => before.has(d.number)).map((d) => d.number);
  if (keptA.length !== keptB.length || keptA.some((n, i) => n !== keptB[i])) return 'reordered';
  const remove = a.filter((d) => !after.has(d.number)).map((d) => d.number);
  const upsert: { after: string | null; entry: T }[] = [];
  b.forEach((d, i) => {
    const old = before.get(d.number);
    if (!old || !same(old, d)) upsert.push({ after: i === 0 ? null : b[i - 1].number, entry: d });
  });
  return remove.length || upsert.length ? { remove, upsert } : undefined;
}

function switchDelta(a: EffectiveSwitch, b: EffectiveSwitch): SwitchDelta | undefined {
  if (a === b) return undefined;
  const trunks = listDelta(a.trunks, b.trunks);
  const extensions = listDelta(a.extensions, b.extensions);
  if (trunks === 'reordered' || extensions === 'reordered') return { name: b.name, whole: b };
  const d: { -readonly [K in keyof SwitchDelta]: SwitchDelta[K] } = { name: b.name };
  if (a.sipServer !== b.sipServer) d.sipServer = b.sipServer ?? null;
  if (!same(a.outboundProxy, b.outboundProxy)) d.outboundProxy = b.outboundProxy ?? null;
  if (trunks) d.trunks = trunks;
  if (extensions) d.extensions = extensions;
  return Object.keys(d).length > 1 ? d : undefined;
}

/** What to send a worker running `a` so it runs `b`; undefined when nothing differs. */
export function effectiveDelta(a: EffectiveProxyConfig, b: EffectiveProxyConfig): EffectiveDelta | undefined {
  if (a.version === b.version) return undefined;
  const set: Partial<Record<EffectiveTopKey, unknown>> = {};
  const unset: EffectiveTopKey[] = [];
  for (const k of EFFECTIVE_TOP_KEYS) {
    if (same(a[k], b[k])) continue;
    if (b[k] === undefined) unset.push(k);
    else set[k] = b[k];
  }
  const byName = new Map(a.switches.map((s) => [s.name, s]));
  const switches: SwitchDelta[] = [];
  for (const s of b.switches) {
    const old = byName.get(s.name);
    const d = old ? switchDelta(old, s) : { name: s.name, whole: s };
    if (d) switches.push(d);
  }
  return { fromVersion: a.version, toVersion: b.version, set, unset, switchOrder: b.switches.map((s) => s.name), switches };
}

function applyList<T extends { number: string }>(list: readonly T[], d: DnListDelta<T> | undefined): readonly T[] {
  if (!d) return list;
  const removed = new Set(d.remove);
  const out = list.filter((x) => !removed.has(x.number));
  const index = new Map(out.map((x, i) => [x.number, i]));
  let dirty = false;
  for (const { after, entry } of d.upsert) {
    if (dirty) {
      index.clear();
      out.forEach((x, i) => index.set(x.number, i));
      dirty = false;
    }
    const at = index.get(entry.number);
    if (at !== undefined) {
      out[at] = entry;
      continue;
    }
    const prev = after === null ? -1 : index.get(after);
    if (prev === undefined) throw new EffectiveDeltaError(`DN ${entry.number} follows ${after}, which is not in the list`);
    out.splice(prev + 1, 0, entry);
    dirty = true;
  }
  return out;
}

/**
 * Applies `d` to `base`.
 * @throws EffectiveDeltaError when `base` is not the configuration the delta was made from (a gap: ask for a snapshot).
 */
export function applyEffectiveDelta(base: EffectiveProxyConfig, d: EffectiveDelta): EffectiveProxyConfig {
  if (base.version !== d.fromVersion)
    throw new EffectiveDeltaError(`the delta applies to ${d.fromVersion}, this worker runs ${base.version}`);
  const out: Record<string, unknown> = { ...base };
  for (const k of d.unset) delete out[k];
  for (const [k, v] of Object.entries(d.set)) {
    if (!(EFFECTIVE_TOP_KEYS as readonly string[]).includes(k)) throw new EffectiveDeltaError(`unknown member ${k}`);
    out[k] = v;
  }
  const byName = new Map(base.switches.map((s) => [s.name, s]));
  for (const sd of d.switches) {
    if (sd.whole) {
      byName.set(sd.name, sd.whole);
      continue;
    }
    const old = byName.get(sd.name);
    if (!old) throw new EffectiveDeltaError(`switch ${sd.name} is not in the configuration`);
    const sw: Record<string, unknown> = { ...old };
    if (sd.sipServer !== undefined) {
      if (sd.sipServer === null) delete sw.sipServer;
      else sw.sipServer = sd.sipServer;
    }
    if (sd.outboundProxy !== undefined) {
      if (sd.outboundProxy === null) delete sw.outboundProxy;
      else sw.outboundProxy = sd.outboundProxy;
    }
    sw.trunks = applyList(old.trunks, sd.trunks);
    sw.extensions = applyList(old.extensions, sd.extensions);
    byName.set(sd.name, sw as unknown as EffectiveSwitch);
  }
  out.switches = d.switchOrder.map((n) => {
    const s = byName.get(n);
    if (!s) throw new EffectiveDeltaError(`switch ${n} is neither kept nor sent`);
    return s;
  });
  out.version = d.toVersion;
  return out as unknown as EffectiveProxyConfig;
}
