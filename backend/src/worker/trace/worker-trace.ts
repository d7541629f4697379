/**
 * The SIP trace of one worker: the ring (sip-trace.ts) and the Homer mirror (hep.ts), set from the application's
 * [sipproxy] sip-trace-* options, all live. The transport's tap is set only while something wants the messages
 * (a ring of size > 0 or a collector), so a worker with tracing off pays nothing per message.
 */
import type { EffectiveProxyConfig } from '../../contracts/index.js';
import { QUERY_ANSWER_BUDGET_BYTES, type TraceRecordView, type TraceStatusView } from '../../contracts/worker-query.js';
import type { TransportLayer } from '../../sip/index.js';
import { HepMirror, parseCollector } from './hep.js';
import { SipTrace, summaryOf, type TraceQuery, type TraceRecord } from './sip-trace.js';

export type { TraceRecordView } from '../../contracts/worker-query.js';
import { toPcap } from './pcap.js';

export interface TraceSettings {
  readonly size: number;
  readonly maskSecrets: boolean;
  readonly maskBodies: boolean;
  readonly collector?: { host: string; port: number };
}

/** The sip-trace-* options of an effective configuration (registry defaults are filled in). */
export function traceSettings(eff: EffectiveProxyConfig): TraceSettings {
  const sp = eff.options.sipproxy;
  const size = sp['sip-trace-size'];
  const collector = sp['sip-trace-hep-collector'];
  return {
    size: typeof size === 'number' ? size : 0,
    maskSecrets: sp['sip-trace-mask-secrets'] !== false,
    maskBodies: sp['sip-trace-mask-bodies'] === true,
    collector: typeof collector === 'string' ? parseCollector(collector) : undefined,
  };
}

/** A record as the API shows it: the message as text (SIP is text; a binary body shows as replacement characters). */
export function recordView(r: TraceRecord): TraceRecordView {
  const { data, summary: _summary, ...rest } = r;
  return { ...rest, ...summaryOf(r), message: data.toString('utf8') };
}

export class WorkerTrace {
  readonly ring: SipTrace;
  readonly hep = new HepMirror();
  private unsubscribeHep: (() => void) | undefined;
  private settings: TraceSettings = { size: 0, maskSecrets: true, maskBodies: false };

  constructor(
    private readonly transport: TransportLayer,
    advertisedHost: string,
  ) {
    this.ring = new SipTrace((t) => transport.localEndpoint(t), advertisedHost.replace(/^\[|\]$/g, ''));
  }

  configure(settings: TraceSettings): void {
    this.settings = settings;
    this.ring.configure(settings.size, { secrets: settings.maskSecrets, bodies: settings.maskBodies });
    this.hep.setCollector(settings.collector);
    if (settings.collector && !this.unsubscribeHep) this.unsubscribeHep = this.ring.subscribe((r) => this.hep.send(r));
    if (!settings.collector && this.unsubscribeHep) {
      this.unsubscribeHep();
      this.unsubscribeHep = undefined;
    }
    this.transport.setMessageTap(this.ring.enabled ? this.ring : undefined);
  }

  search(query: TraceQuery): { total: number; items: TraceRecordView[]; next?: number } {
    const r = this.ring.search(query);
    return { ...r, items: r.items.map(recordView) };
  }

  pcap(query: TraceQuery): Buffer {
    return toPcap(this.ring.matching(query));
  }

  /**
   * One page for the control plane's `trace` query, cut to QUERY_ANSWER_BUDGET_BYTES of JSON: what is cut is not
   * lost, the page's `next` starts after the last record it holds.
   */
  page(query: TraceQuery): { total: number; items: TraceRecordView[]; next?: number } {
    const r = this.search(query);
    let bytes = 0;
    const items: TraceRecordView[] = [];
    for (const i of r.items) {
      bytes += Buffer.byteLength(i.message) + 400;
      if (items.length > 0 && bytes > QUERY_ANSWER_BUDGET_BYTES) break;
      items.push(i);
    }
    const cut = items.length < r.items.length;
    return { total: r.total, items, next: cut ? items[items.length - 1].seq : r.next };
  }

  /** The pcap for the `trace-pcap` query: the newest matching messages that fit the answer (base64 grows by 4/3). */
  boundedPcap(query: TraceQuery): { pcap: Buffer; messages: number; omitted: number } {
    const all = this.ring.matching(query);
    const budget = Math.floor((QUERY_ANSWER_BUDGET_BYTES * 3) / 4) - 24;
    let bytes = 0;
    let from = all.length;
    while (from > 0 && bytes + all[from - 1].data.length + 76 <= budget) bytes += all[--from].data.length + 76;
    const kept = all.slice(from);
    return { pcap: toPcap(kept), messages: kept.length, omitted: from };
  }

  status(): TraceStatusView {
    const s = this.ring.size;
    const c = this.settings.collector;
    return {
      enabled: this.ring.enabled,
      size: s.capacity,
      held: s.held,
      traced: s.seq,
      hep: c
        ? { collector: `${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port}`, sent: this.hep.sent, errors: this.hep.errors }
        : undefined,
    };
  }

  close(): void {
    this.transport.setMessageTap(undefined);
    this.unsubscribeHep?.();
    this.hep.close();
  }
}
