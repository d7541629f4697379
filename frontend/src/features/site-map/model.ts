import type { PairStateValue, ServiceState, TrunkLink } from '../../api';

export interface MapSite {
  name: string;
  pair: string | null;
  pairState: PairStateValue;
  proxies: { name: string; online: boolean }[];
}

/** One road between two sites: the trunk DNs each way (a site may have one per remote server in per-server mode). */
export interface MapTrunk {
  a: string;
  b: string;
  /** Trunk DNs of a leading to b, and of b leading to a. */
  aToB: TrunkLink[];
  bToA: TrunkLink[];
  /**
   * up: both ends provisioned and both remote pairs in service; one-way: only one end has a trunk; down: a remote
   * pair is out of service; unknown: no proxy reports.
   */
  state: 'up' | 'one-way' | 'down' | 'unknown';
}

const inService = (s: PairStateValue) => s === 'primary-active' || s === 'backup-active';

export function buildMap(state: ServiceState, links: TrunkLink[]): { sites: MapSite[]; trunks: MapTrunk[] } {
  const online = new Map(state.workers.map((w) => [w.app, w.online]));
  const sites: MapSite[] = state.sites.map((s) => ({
    name: s.switch,
    pair: s.sipServer,
    pairState: (state.pairs.find((p) => p.name === s.sipServer)?.state ?? 'unknown') as PairStateValue,
    proxies: s.proxies.map((p) => ({ name: p, online: online.get(p) ?? false })),
  }));
  const bySite = new Map(sites.map((s) => [s.name, s]));
  const roads = new Map<string, MapTrunk>();
  for (const l of links) {
    const [a, b] = [l.switch, l.remoteSwitch].sort((x, y) => x.localeCompare(y)) as [string, string];
    const key = `${a}\u0000${b}`;
    const road = roads.get(key) ?? { a, b, aToB: [], bToA: [], state: 'unknown' as const };
    (l.switch === a ? road.aToB : road.bToA).push(l);
    roads.set(key, road);
  }
  for (const r of roads.values()) {
    const states = [bySite.get(r.a)?.pairState ?? 'unknown', bySite.get(r.b)?.pairState ?? 'unknown'];
    r.state = states.includes('out-of-service')
      ? 'down'
      : r.aToB.length === 0 || r.bToA.length === 0
        ? 'one-way'
        : states.every(inService)
          ? 'up'
          : 'unknown';
  }
  return { sites, trunks: [...roads.values()].sort((x, y) => `${x.a}${x.b}`.localeCompare(`${y.a}${y.b}`)) };
}
