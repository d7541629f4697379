/**
 * Questions the control plane asks a running worker over the worker channel (worker-protocol.ts): an SSE `query`
 * event out, one `POST /api/worker-channel/answer` back with the same id. The worker answers from its live state,
 * with the code the proxy runs (sip/proxy/route-preview.ts, the transport's connection table): the control plane
 * never computes these itself.
 */
import { z } from 'zod';
import type { PreviewFields, RoutePreview } from '../sip/index.js';

/** How long the control plane waits for an answer before it says 504. */
export const QUERY_TIMEOUT_MS = 5000;

export type QueryKind = 'route-preview' | 'connections' | 'close-connection' | 'trace' | 'trace-pcap';

export interface QueryMessage {
  readonly protocol: number;
  readonly id: string;
  readonly kind: QueryKind;
  readonly params: unknown;
}

/** `route-preview`: a request given as fields or pasted whole (`message`), and where it came from. */
export interface RoutePreviewQuery {
  readonly fields?: PreviewFields;
  readonly message?: string;
  readonly source: PreviewFields['source'];
}
export type RoutePreviewAnswer = RoutePreview & { readonly instanceId: string };

/** `connections`: one page of the worker's connections and flows, filtered. */
export interface ConnectionsQuery {
  readonly limit: number;
  readonly offset: number;
  readonly transport?: 'tcp' | 'tls' | 'udp';
  /** Matches the peer address, an AOR, an instance or a certificate subject (case-insensitive substring). */
  readonly q?: string;
}

export interface PeerCertificateView {
  readonly subject: string;
  readonly san: readonly string[];
  readonly issuer: string;
  readonly validFrom: string;
  readonly validTo: string;
  readonly fingerprint256: string;
}

export interface FlowView {
  readonly aor: string;
  readonly instance?: string;
  readonly regId?: number;
  readonly contact: string;
  readonly registeredAt: string;
  readonly expiresAt: string;
  /** Flow-Timer sent to the UA (s), 0 = none. */
  readonly flowTimerS: number;
}

export interface ConnectionView {
  readonly id: string;
  readonly transport: string;
  readonly direction: 'inbound' | 'outbound';
  readonly state: string;
  readonly local: string;
  readonly peer: string;
  readonly since: string;
  readonly ageS: number;
  readonly lastActivity: string;
  readonly lastReceived: string;
  readonly messagesIn: number;
  readonly messagesOut: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** The registrations stuck to this connection (RFC 5626 flows, TLS stickiness). */
  readonly flows: readonly FlowView[];
  readonly flowTimerS?: number;
  readonly tlsPeer?: PeerCertificateView;
}

export interface ConnectionsAnswer {
  readonly instanceId: string;
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly items: readonly ConnectionView[];
  /** UDP flows (no connection): bindings registered over UDP, by peer. */
  readonly udpFlows: readonly (FlowView & { readonly peer: string })[];
  /** TCP keep-alive as the worker runs it (sip-enable-tcp-keep-alive and its timings). */
  readonly keepAlive: { readonly enabled: boolean; readonly idleS: number; readonly intervalS: number; readonly count: number };
}

export interface CloseConnectionQuery {
  readonly id: string;
}
export interface CloseConnectionAnswer {
  readonly instanceId: string;
  readonly closed: boolean;
}

/** `trace` and `trace-pcap`: the worker's SIP trace ([sipproxy] sip-trace-size), filtered (worker/trace/). */
export interface TraceQuery {
  /** A Call-ID, a number (user part of R-URI, From or To) or an address (`ip`, `ip:port`). */
  readonly q?: string;
  readonly callId?: string;
  /** Records after this one (`seq`): the next page. */
  readonly after?: number;
  readonly limit?: number;
}

/** One traced message: where it went, when, what it was, and the message itself (masked as the options say). */
export interface TraceRecordView {
  readonly seq: number;
  /** Epoch microseconds. */
  readonly atUs: number;
  readonly direction: 'in' | 'out';
  readonly transport: 'udp' | 'tcp' | 'tls';
  readonly local: { readonly address: string; readonly port: number };
  readonly remote: { readonly address: string; readonly port: number };
  /** Request line or status line. */
  readonly firstLine: string;
  readonly method: string;
  readonly status?: number;
  readonly callId: string;
  readonly cseq: string;
  /** User parts of the Request-URI, From and To. */
  readonly users: readonly string[];
  readonly message: string;
}

export interface TraceStatusView {
  readonly enabled: boolean;
  readonly size: number;
  readonly held: number;
  readonly traced: number;
  readonly hep?: { readonly collector: string; readonly sent: number; readonly errors: number };
}

export interface TraceAnswer {
  readonly instanceId: string;
  readonly trace?: TraceStatusView;
  readonly total: number;
  readonly items: readonly TraceRecordView[];
  /** More match: ask again with `after` = this. */
  readonly next?: number;
}

export interface TracePcapAnswer {
  readonly instanceId: string;
  /** The pcap file, base64. */
  readonly pcap: string;
  readonly messages: number;
  /** Messages left out to keep the answer within QUERY_ANSWER_BUDGET_BYTES (the newest are kept). */
  readonly omitted: number;
}

/**
 * An answer travels in one POST of at most 256 KB (the API's small-body limit): the worker cuts a trace page or a pcap
 * to this many bytes of JSON (a page continues with `next`; a pcap keeps its newest messages and says how many it
 * left out; the management port's /trace.pcap has no such limit).
 */
export const QUERY_ANSWER_BUDGET_BYTES = 200_000;

/** The answer a worker posts. */
export const answerSchema = z.strictObject({
  protocol: z.number(),
  app: z.string().max(255),
  id: z.string().uuid(),
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: z.strictObject({ code: z.string().max(64), message: z.string().max(2000) }).optional(),
});
export type QueryAnswer = z.infer<typeof answerSchema>;
