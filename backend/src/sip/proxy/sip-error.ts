/**
 * RFC 3261 §16.3 / §16.5: a final response the proxy decides itself while validating or routing a request.
 * Not an Error: thrown on the hot path for every refused request, so it captures no stack.
 */
export class SipError {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly headers?: [string, string][],
    /** The ProxyStats counter this refusal counts in (one place: the intake's catch). */
    readonly counter?: RefusalCounter,
  ) {}
}

/** The ProxyStats counters a local refusal can count in. */
export type RefusalCounter = 'rejectedOverload' | 'rejectedOutOfService' | 'rejectedDraining' | 'loops' | 'tooManyHops' | 'badRequests' | 'relayRefused';
