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
 * Bytes kept for a later resend, as a one-byte string: a V8 heap leaf the GC does not trace into, without the
 * ~180 bytes of Buffer + ArrayBuffer objects per message, and not a slice of the shared 8 KB Buffer pool (one
 * retained slice keeps the whole slab alive). Lossless for any bytes (latin1 maps each byte to one char).
 */
export function retainBytes(buf: Buffer): string {
  return buf.toString('latin1');
}

/** The bytes kept by {@link retainBytes}, to hand to the transport. */
export function retainedBuffer(bytes: string): Buffer {
  return Buffer.from(bytes, 'latin1');
}
