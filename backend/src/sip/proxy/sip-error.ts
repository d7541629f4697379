/**
 * RFC 3261 §16.3 / §16.5: a final response the proxy decides itself while validating or routing a request, thrown
 * to the intake's catch, which counts it and answers. An Error with a `code`, like the stack's other errors; thrown
 * on the hot path for every refused request, so it captures no stack trace (a refusal is an answer, not a fault).
 */
export class SipError extends Error {
  override readonly name = 'SipError';
  readonly code: SipErrorCode;
  readonly status: number;
  readonly reason: string;
  readonly headers?: [string, string][];
  /** The ProxyStats counter this refusal counts in (one place: the intake's catch). */
  readonly counter?: RefusalCounter;

  constructor(code: SipErrorCode, status: number, reason: string, headers?: [string, string][], counter?: RefusalCounter) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${status} ${reason}`);
    Error.stackTraceLimit = limit;
    this.code = code;
    this.status = status;
    this.reason = reason;
    if (headers !== undefined) this.headers = headers;
    if (counter !== undefined) this.counter = counter;
  }
}

/** Why the proxy answered a request itself. */
export type SipErrorCode =
  /** §16.3 item 1: a mandatory header missing or inconsistent, an unparsable Request-URI (400). */
  | 'bad-request'
  /** §16.3 item 2 (416). */
  | 'unsupported-uri-scheme'
  /** §16.3 item 3 (483). */
  | 'too-many-hops'
  /** §16.3 item 4 (482). */
  | 'loop-detected'
  /** §16.3 item 5 (420). */
  | 'bad-extension'
  /** The relay policy refused the target (relay-policy.ts, 403). */
  | 'relay-refused'
  /** RFC 5626: a flow token or a registration the edge proxy refuses (430, 403, 439). */
  | 'flow-refused'
  /** Routing found no target or the pair is out of service (router.ts). */
  | 'no-target'
  /** The worker is drained (administrative state, 503). */
  | 'draining'
  /** overload-ctrl-dialog-rate exceeded (503). */
  | 'overload';

/** The ProxyStats counters a local refusal can count in. */
export type RefusalCounter =
  'rejectedOverload' | 'rejectedOutOfService' | 'rejectedDraining' | 'loops' | 'tooManyHops' | 'badRequests' | 'relayRefused';
