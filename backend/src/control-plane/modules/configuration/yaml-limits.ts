import { AppError } from '../../common/errors.js';

/**
 * Limits on a YAML document before it is parsed. The yaml library costs ~10-20 µs and ~1 kB per node, so a small
 * body of a million flow items (`[0,0,0,...]`, 2 MB) held the event loop for over a minute and a 10 MB one ran the
 * heap out. Counting is one pass over the characters, far cheaper than the library's own Lexer.
 */
export const MAX_YAML_CHARS = 8 * 1024 * 1024;
export const MAX_YAML_NODES = 200_000;

/**
 * An upper bound of the number of nodes in `text`: every node after the first is introduced by one of `,` (flow
 * item), `:` (a key and its value: two), `-` (block item), `?` (explicit key), `[`/`{` (collection) or a line break
 * (block entry), so counting those characters over-counts (colons in URIs, commas in prose) but never under-counts.
 * Stops at `limit`.
 */
export function yamlNodeUpperBound(text: string, limit = Number.POSITIVE_INFINITY): number {
  let n = 1;
  for (let i = 0; i < text.length && n <= limit; i++) {
    const c = text.charCodeAt(i);
    // , - ? [ { \n introduce a node; : a key (when the mapping's first) and its value.
    if (c === 0x3a) n += 2;
    else if (c === 0x2c || c === 0x2d || c === 0x3f || c === 0x5b || c === 0x7b || c === 0x0a) n++;
  }
  return n;
}

/** Refuses (413 CONFIG_TOO_LARGE) a document whose parse would hold the control plane; cheap, runs before parsing. */
export function assertYamlWithinLimits(text: string): void {
  if (text.length > MAX_YAML_CHARS) {
    throw new AppError(413, 'CONFIG_TOO_LARGE', `The YAML document has ${text.length} characters; at most ${MAX_YAML_CHARS} are accepted`);
  }
  if (yamlNodeUpperBound(text, MAX_YAML_NODES) > MAX_YAML_NODES) {
    throw new AppError(413, 'CONFIG_TOO_LARGE', `The YAML document has more than ${MAX_YAML_NODES} nodes (items, keys, values); split it or remove repetition`);
  }
}
