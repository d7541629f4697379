import type { PreviewDecision, PreviewHop, PreviewRelay, RoutePreviewAnswer } from './api';

/** `udp:10.0.0.5:5060` as the SIP stack writes a hop (port and transport when known). */
export function hopText(h: PreviewHop): string {
  return `${h.transport ? `${h.transport}:` : ''}${h.host}${h.port ? `:${h.port}` : ''}`;
}

const HOP_REASON: Record<Extract<PreviewDecision, { kind: 'hop' }>['reason'], string> = {
  extension: 'an extension DN: to its contact',
  trunk: 'a trunk DN: to the peer proxy of the other site',
  flow: 'a registered flow (RFC 5626): down the connection the UA registered on',
  'request-uri': 'the Request-URI names the next hop',
};

/** The routing rule in words: which rule chose the target, or why nothing was chosen. */
export function ruleText(d: PreviewDecision): string {
  switch (d.kind) {
    case 'pair':
      return `To the active server (${d.role}) of HA pair ${d.pair}: ${hopText(d.target)}`;
    case 'hop':
      return `${HOP_REASON[d.reason]}: ${hopText(d.target)}`;
    case 'reject':
      return `Refused ${d.status} ${d.reason}${d.pair ? ` (HA pair ${d.pair} has no server in service)` : ''}${d.retryAfter ? `, Retry-After ${d.retryAfter}` : ''}`;
  }
}

const RELAY_WHY: Record<string, string> = {
  'trusted-source': 'the source is a trusted network',
  'foreign-allowed': 'relaying to foreign domains is allowed by the options',
  'sip-server': 'it comes from or goes to a configured SIP Server',
  flow: 'it goes down a registered flow',
  extension: 'it is for a configured extension',
};

export function relayText(r: PreviewRelay): string {
  return r.kind === 'allow' ? `Allowed: ${RELAY_WHY[r.why] ?? r.why}` : `Refused ${r.status} ${r.reason} (${r.what})`;
}

export function sourceText(s: NonNullable<RoutePreviewAnswer['source']>): string {
  if (s.kind === 'sip-server') return `the ${s.role} server of HA pair ${s.pair}`;
  if (s.kind === 'trusted-network') return 'a trusted network';
  return 'an endpoint';
}

/** The headline: what the worker would do with the request. */
export function outcomeText(a: RoutePreviewAnswer): string {
  if (a.outcome === 'forward') {
    const first = a.dns?.candidates[0];
    return `Forwarded to ${first ? `${first.transport}:${first.host}:${first.port}` : a.decision && a.decision.kind !== 'reject' ? hopText(a.decision.target) : 'the next hop'}`;
  }
  if (a.outcome === 'answer') return `Answered by the proxy itself: ${a.status ?? 200} ${a.reason ?? 'OK'}`;
  return `Refused: ${a.status ?? ''} ${a.reason ?? ''}`.trim();
}
