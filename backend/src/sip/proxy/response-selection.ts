/**
 * Best-response selection for a response context (RFC 3261 §16.7 step 6).
 * 6xx wins; otherwise the lowest response class among 3xx-5xx; within 4xx the codes a client can act on
 * (401, 407, 415, 420, 484) are preferred; 503 is turned into 500 when forwarded (§16.7 step 6: a 503 from
 * downstream must not make upstream think this proxy is unavailable).
 */
export function betterResponse(current: number | undefined, candidate: number): boolean {
  if (current === undefined) return true;
  const rank = (c: number): number => {
    if (c >= 600) return 0;
    if (c >= 200 && c < 300) return -1;
    const cls = Math.floor(c / 100);
    const preferred = c === 401 || c === 407 || c === 415 || c === 420 || c === 484 ? 0 : 0.5;
    return cls + preferred;
  };
  return rank(candidate) < rank(current);
}

/** Status to forward upstream for a selected final response. */
export function upstreamStatus(code: number): number {
  return code === 503 ? 500 : code;
}
