/**
 * Helpers for state a transaction keeps after its final response (RFC 3261 §17: only what absorbing or answering
 * retransmissions needs), so that a finished call pins no more than those few bytes until Timer J/L/M/D fires.
 */

/**
 * A copy of `s` that references no other string. Values read from a parsed message (a branch, a tag) are slices
 * of the whole received header text, and keys built from them are concatenations holding those slices: stored
 * for 32 s they would keep every message's text alive.
 */
export function detach(s: string): string {
  // The concatenation is flattened into a fresh string by slice(); the result refers to that copy only.
  return (' ' + s).slice(1);
}

/**
 * `buf` if it owns its memory, else an exact-size copy. Small Buffers from `Buffer.allocUnsafe`/`Buffer.from` are
 * carved out of a shared 8 KB pool slab, and one retained slice keeps the whole slab alive.
 */
export function ownBuffer(buf: Buffer): Buffer {
  if (buf.byteOffset === 0 && buf.buffer.byteLength === buf.length) return buf;
  const out = Buffer.allocUnsafeSlow(buf.length);
  buf.copy(out);
  return out;
}
