/**
 * RFC 3261 §16.4 Route Information Preprocessing and §16.12 (strict / loose routers), for requests and for the
 * 2xx ACKs forwarded statelessly (§16.11): one implementation for both.
 */
import type { NameAddr, SipRequest, SipUri } from '../message/index.js';
import type { Hop } from '../routing/router.js';
import type { ResolvedHop } from '../dns/resolver.js';
import type { Destination } from '../transport/types.js';
import { unbracket } from '../address.js';

/** The Route set of a request after §16.4. */
export interface RouteSet {
  /** The Route values left after removing ours, parsed, topmost first. */
  routes: NameAddr[];
  /** RFC 5626 §5.3: the user parts of our own removed Route URIs (flow tokens of our Path / Record-Route). */
  tokens: string[] | undefined;
  /** How many Route values named this proxy and were removed. */
  popped: number;
  /** The previous hop was a strict router: the Request-URI was ours and the last Route value replaced it. */
  strictFix: boolean;
}

/**
 * §16.4 on `fwd` (the copy to forward): when the Request-URI is a URI this proxy put in Record-Route, the previous
 * hop is a strict router, so the last Route value becomes the Request-URI; then every top Route value naming this
 * proxy is removed. `ruri` is the parsed Request-URI of `fwd` as received.
 */
export function preprocessRoute(fwd: SipRequest, ruri: SipUri, isOwnUri: (u: SipUri) => boolean, collectTokens: boolean): RouteSet {
  const received = fwd.routes();
  let strictFix = false;
  if (received.length && ruri.user === undefined && isOwnUri(ruri)) {
    fwd.requestUri = received[received.length - 1].uri.toString();
    removeLastValue(fwd, 'route');
    strictFix = true;
  }
  let routes = fwd.routes();
  let tokens: string[] | undefined;
  let popped = 0;
  while (popped < routes.length && isOwnUri(routes[popped].uri)) {
    const user = routes[popped].uri.user;
    if (user !== undefined && collectTokens) (tokens ??= []).push(user);
    fwd.headers.removeFirstValue('route');
    popped++;
  }
  // The parsed list minus what was popped (no second parse of the Route header).
  if (popped > 0) routes = routes.slice(popped);
  return { routes, tokens, popped, strictFix };
}

/**
 * §16.6 steps 6-7: the next hop is the top Route value; a strict router there (no `lr`, §16.12) gets the
 * Request-URI moved to the end of the Route set and its own URI as Request-URI.
 */
export function nextHopOfRoute(fwd: SipRequest, routes: readonly NameAddr[]): Hop {
  const top = routes[0].uri;
  const hop = uriToHop(top);
  if (!top.params.has('lr')) strictNextHop(fwd);
  return hop;
}

/** RFC 3263 §4 inputs of a URI: maddr or host, port, transport parameter (sips: TLS). */
export function uriToHop(u: SipUri): Hop {
  const maddr = paramString(u.params.get('maddr'));
  const h: Hop = { host: maddr ?? u.host };
  if (u.port !== undefined) h.port = u.port;
  const t = paramString(u.params.get('transport'))?.toLowerCase();
  if (t === 'udp' || t === 'tcp' || t === 'tls') h.transport = t;
  else if (u.scheme === 'sips') h.transport = 'tls';
  return h;
}

/** A resolved hop as a transport destination; a name it was resolved from is the TLS identity (RFC 5922 §7.2). */
export function toDestination(h: ResolvedHop, serverName?: string): Destination {
  const d: Destination = { transport: h.transport, host: h.host, port: h.port };
  if (serverName !== undefined && h.transport === 'tls') d.tlsServerName = unbracket(serverName);
  return d;
}

export function paramString(v: string | null | undefined): string | undefined {
  return v === null || v === undefined ? undefined : v;
}

/**
 * §16.6 step 6 / §16.12: the next hop is a strict router: move the Request-URI to the end of the Route set and
 * put the first Route value (the strict router's URI) into the Request-URI.
 */
function strictNextHop(fwd: SipRequest): void {
  const first = fwd.routes()[0];
  if (!first) return;
  const oldUri = fwd.requestUri;
  fwd.headers.removeFirstValue('route');
  fwd.headers.append('Route', `<${oldUri}>`);
  fwd.requestUri = first.uri.toString();
}

/** Removes the last value of a list header (the strict-routing fix of §16.4 takes the last Route). */
function removeLastValue(req: SipRequest, name: string): void {
  const all = req.headers.getAll(name);
  all.pop();
  req.headers.remove(name);
  for (const v of all) req.headers.append(name, v);
}
