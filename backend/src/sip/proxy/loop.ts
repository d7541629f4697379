/**
 * Branch construction with loop detection (RFC 3261 §16.6 step 8, §16.3 item 4; RFC 5393 §4.2 spirit).
 *
 * Our branch is `z9hG4bK` + `sep` + 8 hex digits of a hash over the fields that decide where the request goes
 * (Request-URI, Route, Proxy-Require, From tag, To tag, Call-ID, CSeq) + `.` + a per-process counter that makes it
 * unique. A request that comes back carrying one of our Vias with the same hash has looped (482); a different
 * hash means it spirals (the Request-URI or route changed) and is forwarded.
 */
export const BRANCH_PREFIX = 'z9hG4bKsep';

/** FNV-1a 32-bit over a string's UTF-16 code units: cheap, enough to tell loops from spirals. */
export function fnv1a(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** The loop-detection part of the branch for a request with these routing-relevant fields. */
export function loopHash(parts: {
  requestUri: string;
  routes: readonly string[];
  proxyRequire: readonly string[];
  fromTag: string | undefined;
  toTag: string | undefined;
  callId: string;
  cseq: number;
}): string {
  let h = fnv1a(parts.requestUri);
  for (const r of parts.routes) h = fnv1a(r, h ^ 0x2c);
  for (const p of parts.proxyRequire) h = fnv1a(p, h ^ 0x3b);
  h = fnv1a(parts.fromTag ?? '', h ^ 1);
  h = fnv1a(parts.toTag ?? '', h ^ 2);
  h = fnv1a(parts.callId, h ^ 3);
  h = fnv1a(String(parts.cseq), h ^ 4);
  return hex8(h);
}

let counter = 0;
let epoch = hex8((Date.now() ^ (process.pid << 16)) >>> 0);

/**
 * Group mode: branches carry `w<port>` (base 36) instead of a random epoch, so that a worker of a group that
 * receives a response meant for another worker (a peer that answers to the address the dialog started from,
 * not to the Via) can hand it to the worker that sent the request.
 */
export function setBranchWorkerPort(port: number): void {
  epoch = 'w' + port.toString(36);
}

/** The worker port encoded in one of our group-mode branches, else undefined. */
export function workerPortOfBranch(branch: string | undefined): number | undefined {
  if (!branch || !branch.startsWith(BRANCH_PREFIX)) return undefined;
  const dot = branch.indexOf('.', BRANCH_PREFIX.length);
  if (dot < 0 || branch.charCodeAt(dot + 1) !== 119 /* w */) return undefined;
  const end = branch.indexOf('.', dot + 2);
  if (end < 0) return undefined;
  const port = parseInt(branch.slice(dot + 2, end), 36);
  return port > 0 && port < 65536 ? port : undefined;
}

/** A unique branch carrying the loop hash. */
export function makeBranch(hash: string): string {
  counter = (counter + 1) | 0;
  return BRANCH_PREFIX + hash + '.' + epoch + '.' + (counter >>> 0).toString(36);
}

/** The loop hash inside one of our branches, or undefined if the branch is not ours. */
export function hashOfBranch(branch: string | undefined): string | undefined {
  if (!branch || !branch.startsWith(BRANCH_PREFIX)) return undefined;
  return branch.slice(BRANCH_PREFIX.length, BRANCH_PREFIX.length + 8);
}

/** Deterministic branch for statelessly forwarded requests (ACK for 2xx): a function of the incoming one (§16.11). */
export function statelessBranch(incomingBranch: string | undefined, fallback: string): string {
  const h = fnv1a(incomingBranch ?? fallback);
  return BRANCH_PREFIX + 'a' + hex8(h) + hex8(fnv1a(fallback, h));
}
