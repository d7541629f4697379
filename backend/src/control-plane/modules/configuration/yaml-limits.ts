import { AppError } from '../../common/errors.js';

/**
 * Limits on a YAML document before it is parsed. The yaml library costs ~10-20 µs and ~1 kB per node, so a small
 * body of a million flow items (`[0,0,0,...]`, 2 MB) held the event loop for over a minute and a 10 MB one ran the
 * heap out. Counting is one pass over the characters, far cheaper than the library's own Lexer.
 */
export interface YamlLimits {
  readonly chars: number;
  readonly nodes: number;
}

/**
 * Who may make the control plane parse how much. A viewer can only validate, so a viewer's document is held to what
 * a reader needs to check a site (~10,000 applications); a user who may edit the configuration can already stop
 * every proxy by configuration, and must be able to import a whole deployment (10,000 DNs are ~0.65 M nodes and
 * 4.8 MB; 100,000 DNs ~6.4 M and 48 MB), so an editor's cap is only the memory guard below the 50 MB body limit.
 */
export const YAML_LIMITS = {
  viewer: { chars: 8 * 1024 * 1024, nodes: 200_000 },
  editor: { chars: 64 * 1024 * 1024, nodes: 8_000_000 },
} as const satisfies Record<string, YamlLimits>;

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
export function assertYamlWithinLimits(text: string, limits: YamlLimits): void {
  if (text.length > limits.chars) {
    throw new AppError(413, 'CONFIG_TOO_LARGE', `The YAML document has ${text.length} characters; at most ${limits.chars} are accepted`);
  }
  if (yamlNodeUpperBound(text, limits.nodes) > limits.nodes) {
    throw new AppError(
      413,
      'CONFIG_TOO_LARGE',
      `The YAML document has more than ${limits.nodes} nodes (items, keys, values); split it or remove repetition`,
    );
  }
}
