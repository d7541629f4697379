/**
 * The one decider of "when does this change take effect": what differs between two effective configurations of
 * one SIP Proxy application, named as the operator knows it, classified by the option registry's `takesEffect`
 * (the guide's "Changes Take Effect"), and the configuration a running worker may run now (everything live, every
 * after-restart change held back until the restart).
 */
import { canonicalJson } from './effective-config.js';
import type { EffectiveHaPair, EffectiveProxyConfig, EffectiveSwitch } from './effective-config.js';
import { findOption } from './options/option-schema.js';
import type { DnKind, OptionValue, TakesEffect } from './options/option-schema.js';

/** One difference between two effective configurations and when it takes effect. */
export interface EffectiveChange {
  /** Where it is: `options.sipproxy.oos-check`, `application.sipPort`, `haPairs.SIPServer_A`, `switches.SiteA.dns.1001.contact`, ... */
  readonly path: string;
  /** As the operator knows it: the option's name (`oos-check`), with the DN for DN options (`contact (DN 1001 of SiteA)`). */
  readonly option: string;
  readonly takesEffect: TakesEffect;
}

/** The application's own fields, by the names the document gives them (all bind-time: after restart). */
const APPLICATION_FIELDS = { host: 'host', sipPort: 'sip-port', tlsPort: 'tls-port', httpPort: 'http-port' } as const;

const same = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

/** A DN the proxy knows about, keyed by switch and number. */
interface DnEntry {
  readonly kind: DnKind;
  readonly options: Readonly<Record<string, OptionValue>>;
}

function dnsOf(sw: EffectiveSwitch): Map<string, DnEntry> {
  const out = new Map<string, DnEntry>();
  if (sw.outboundProxy) out.set(sw.outboundProxy.number, { kind: 'voip-service', options: sw.outboundProxy.options });
  for (const t of sw.trunks) out.set(t.number, { kind: 'trunk', options: t.options });
  for (const e of sw.extensions) out.set(e.number, { kind: 'extension', options: e.options });
  return out;
}

/** A DN option's rule; an option the registry does not know on that DN waits for a restart (the safe side). */
function dnTakesEffect(kind: DnKind, name: string): TakesEffect {
  return findOption(kind, 'TServer', name)?.takesEffect ?? 'after-restart';
}

/**
 * What changed from `before` to `after` and when each change applies. Options per their registry entry (an option
 * without one: after restart); the application's own host and ports after restart; a SIP Server's address at once
 * (the pair gets a new monitor); the pool's other members at once. Which pairs are monitored and which one serves
 * come from `applications` / `servicing-sipserver` (after restart), so pairs appearing or going are not listed again.
 */
export function diffEffectiveConfig(before: EffectiveProxyConfig, after: EffectiveProxyConfig): EffectiveChange[] {
  const out: EffectiveChange[] = [];
  for (const section of ['sipproxy', 'security', 'log'] as const) {
    const a = before.options[section];
    const b = after.options[section];
    for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (same(a[name], b[name])) continue;
      out.push({
        path: `options.${section}.${name}`,
        option: name,
        takesEffect: findOption('sip-proxy', section, name)?.takesEffect ?? 'after-restart',
      });
    }
  }
  for (const [field, name] of Object.entries(APPLICATION_FIELDS) as [keyof typeof APPLICATION_FIELDS, string][]) {
    if (!same(before.application[field], after.application[field]))
      out.push({ path: `application.${field}`, option: name, takesEffect: 'after-restart' });
  }
  // Certificate files whose content changed (inline PEM) with no option changed: still a restart.
  if (!same(before.tls, after.tls) && !out.some((c) => c.path.startsWith('options.security.') || c.path.startsWith('application.'))) {
    out.push({ path: 'tls', option: 'TLS certificates', takesEffect: 'after-restart' });
  }
  const pairsBefore = new Map(before.haPairs.map((p) => [p.name, p]));
  for (const p of after.haPairs) {
    const old = pairsBefore.get(p.name);
    if (!old) continue;
    for (const role of ['primary', 'backup'] as const) {
      const s = p[role] ?? old[role];
      if (s && !same(old[role], p[role]))
        out.push({ path: `haPairs.${p.name}.${role}`, option: `host/sip-port of ${s.name}`, takesEffect: 'immediately' });
    }
  }
  if (!same(before.poolPeers, after.poolPeers)) out.push({ path: 'poolPeers', option: 'pool members', takesEffect: 'immediately' });

  const swBefore = new Map(before.switches.map((s) => [s.name, s]));
  const swAfter = new Map(after.switches.map((s) => [s.name, s]));
  for (const name of new Set([...swBefore.keys(), ...swAfter.keys()])) {
    const a = swBefore.get(name);
    const b = swAfter.get(name);
    // A switch a delta did not touch is the same object on both sides (effective-delta.ts): nothing to compare.
    if (a === b) continue;
    // The switch's HA pair decides the internal transport (its sip-outbound-proxy DN contact): bind-time.
    if (a && b && a.sipServer !== b.sipServer)
      out.push({ path: `switches.${name}.sip-server`, option: `sip-server of ${name}`, takesEffect: 'after-restart' });
    const da = a ? dnsOf(a) : new Map<string, DnEntry>();
    const db = b ? dnsOf(b) : new Map<string, DnEntry>();
    for (const number of new Set([...da.keys(), ...db.keys()])) {
      const x = da.get(number);
      const y = db.get(number);
      if (x && y && x.kind === y.kind && x.options === y.options) continue;
      const kind = (y ?? x)!.kind;
      const oa = x?.kind === kind ? x.options : {};
      const ob = y?.kind === kind ? y.options : {};
      for (const opt of new Set([...Object.keys(oa), ...Object.keys(ob)])) {
        if (same(oa[opt] ?? null, ob[opt] ?? null) && x?.kind === y?.kind) continue;
        // Only SIP Server uses it (registry flag): the proxy has nothing to apply, now or after a restart.
        if (findOption(kind, 'TServer', opt)?.sipServerOnly) continue;
        out.push({
          path: `switches.${name}.dns.${number}.${opt}`,
          option: `${opt} (DN ${number} of ${name})`,
          takesEffect: dnTakesEffect(kind, opt),
        });
      }
    }
  }
  return out;
}

/** What a running worker does with the next configuration. */
export interface LivePlan {
  /** The configuration to run now: `next` with every after-restart change held back (the running values). */
  readonly now: EffectiveProxyConfig;
  /** Applied now (live or for the next call). */
  readonly applied: readonly EffectiveChange[];
  /** Waiting for a restart: the after-restart changes, and live ones tied to them (same DN or pair list). */
  readonly restartPending: readonly EffectiveChange[];
}

/**
 * Splits `next` against the `running` configuration: the live part to run now and what waits for the restart.
 * Held back per option ([sipproxy], [security], [log]), per DN (a DN with an after-restart change keeps its running
 * entry whole), per switch for its `sip-server`, and for the pair list (applications / servicing-sipserver). The
 * application's addresses and TLS never change live.
 */
export function planLiveApply(running: EffectiveProxyConfig, next: EffectiveProxyConfig): LivePlan {
  const changes = diffEffectiveConfig(running, next);
  const held = changes.filter((c) => c.takesEffect === 'after-restart');
  if (held.length === 0) return { now: next, applied: changes, restartPending: [] };
  const heldPath = (p: string): boolean => held.some((c) => c.path === p);
  const heldPrefix = (p: string): boolean => held.some((c) => c.path.startsWith(p));

  const options = { sipproxy: {}, security: {}, log: {} } as Record<'sipproxy' | 'security' | 'log', Record<string, OptionValue>>;
  for (const section of ['sipproxy', 'security', 'log'] as const) {
    for (const name of new Set([...Object.keys(running.options[section]), ...Object.keys(next.options[section])])) {
      const from = heldPath(`options.${section}.${name}`) ? running.options[section] : next.options[section];
      if (name in from) options[section][name] = from[name];
    }
  }
  const nextPairs = new Map(next.haPairs.map((p) => [p.name, p]));
  const haPairs: EffectiveHaPair[] = running.haPairs.map((p) => {
    const n = nextPairs.get(p.name) ?? p;
    return {
      ...n,
      serving: p.serving,
      oosCheck: options.sipproxy['oos-check'] as number,
      oosForce: options.sipproxy['oos-force'] as number,
    };
  });

  const swRunning = new Map(running.switches.map((s) => [s.name, s]));
  const swNext = new Map(next.switches.map((s) => [s.name, s]));
  const switches: EffectiveSwitch[] = [];
  for (const name of new Set([...swNext.keys(), ...swRunning.keys()])) {
    const r = swRunning.get(name);
    const n = swNext.get(name);
    if (heldPath(`switches.${name}.sip-server`)) {
      if (r) switches.push(r);
      continue;
    }
    const pick = <T extends { number: string }>(list: (s: EffectiveSwitch | undefined) => readonly T[]): T[] => {
      const rl = list(r);
      const nl = list(n);
      const numbers = [...new Set([...nl.map((d) => d.number), ...rl.map((d) => d.number)])];
      return numbers.flatMap((num) => {
        const src = heldPrefix(`switches.${name}.dns.${num}.`) ? rl : nl;
        const d = src.find((x) => x.number === num);
        return d ? [d] : [];
      });
    };
    const outbound = pick((s) => (s?.outboundProxy ? [s.outboundProxy] : []));
    const sw: EffectiveSwitch = {
      name,
      sipServer: (n ?? r)!.sipServer,
      outboundProxy: outbound[0],
      trunks: pick((s) => s?.trunks ?? []),
      extensions: pick((s) => s?.extensions ?? []),
    };
    if (n || sw.outboundProxy || sw.trunks.length || sw.extensions.length) switches.push(sw);
  }

  const now: EffectiveProxyConfig = {
    ...next,
    version: running.version,
    application: running.application,
    tls: running.tls,
    options,
    servingPair: running.servingPair,
    haPairs,
    switches,
  };
  // A live change that shares its held-back unit (a DN, the pair list) waits too: say so rather than pretend.
  const appliedPaths = new Set(diffEffectiveConfig(running, now).map((c) => c.path));
  const applied = changes.filter((c) => c.takesEffect !== 'after-restart' && appliedPaths.has(c.path));
  const restartPending = changes.filter((c) => !applied.includes(c));
  return { now, applied, restartPending };
}
