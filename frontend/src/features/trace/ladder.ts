import type { TraceRecordView } from './api';

/** One vertical line of the ladder: an endpoint, this proxy, or a SIP Server (named from the configuration). */
export interface LadderColumn {
  key: string;
  label: string;
  kind: 'endpoint' | 'proxy' | 'sip-server';
}

export interface LadderRow {
  seq: number;
  from: number;
  to: number;
  /** `INVITE` or `200 OK`, as sngrep draws it. */
  label: string;
  /** Milliseconds since the first message of the ladder. */
  offsetMs: number;
  transport: string;
}

export interface Ladder {
  columns: LadderColumn[];
  rows: LadderRow[];
}

const endpointKey = (e: { address: string; port: number }): string =>
  e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;

/** The arrow's text: a request's method, a response's status line. */
export function arrowLabel(r: TraceRecordView): string {
  return r.status !== undefined ? r.firstLine : r.method;
}

/**
 * Messages of one or more calls as a ladder (a sequence diagram): endpoints that sent requests to the proxy on the
 * left, the proxy in the middle, the next hops (SIP Servers named by `servers`, keyed `host:port`) on the right,
 * each in the order it first appears.
 */
export function buildLadder(records: readonly TraceRecordView[], servers: ReadonlyMap<string, string> = new Map()): Ladder {
  const left: LadderColumn[] = [];
  const right: LadderColumn[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    const key = endpointKey(r.remote);
    if (seen.has(key)) continue;
    seen.add(key);
    const server = servers.get(key);
    if (server) right.push({ key, label: `${server} (${key})`, kind: 'sip-server' });
    else if (r.direction === 'in' && r.status === undefined) left.push({ key, label: key, kind: 'endpoint' });
    else right.push({ key, label: key, kind: 'endpoint' });
  }
  const columns: LadderColumn[] = [...left, { key: 'proxy', label: 'this proxy', kind: 'proxy' }, ...right];
  const index = new Map(columns.map((c, i) => [c.key, i]));
  const proxy = index.get('proxy')!;
  const t0 = records[0]?.atUs ?? 0;
  const rows = records.map((r) => {
    const remote = index.get(endpointKey(r.remote))!;
    return {
      seq: r.seq,
      from: r.direction === 'in' ? remote : proxy,
      to: r.direction === 'in' ? proxy : remote,
      label: arrowLabel(r),
      offsetMs: Math.round((r.atUs - t0) / 100) / 10,
      transport: r.transport.toUpperCase(),
    };
  });
  return { columns, rows };
}
