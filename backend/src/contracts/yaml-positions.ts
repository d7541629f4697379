import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { canonicalOptionName } from './options/option-schema.js';

/** 1-based, as editors count. */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * Where in the YAML text each error is: `path` (`switches[0].dns[3].options.TServer.contact`) is walked through the
 * document's nodes, which keep their source ranges; YAML syntax errors carry their own position. A path that stops
 * short of the source (a required key that is missing) gets the position of the nearest node it reaches (the mapping
 * to add the key to); an error with no path and no position gets none.
 *
 * Only called when there are errors, so the second parse costs nothing on the path of a good import.
 */
export function yamlPositions(yamlText: string, errors: readonly { path: string; code?: string }[]): (SourcePosition | undefined)[] {
  const lc = new LineCounter();
  // The options of contracts/config-document.ts, so the syntax errors are the same ones, in the same order.
  const doc = parseDocument(yamlText, { uniqueKeys: true, prettyErrors: true, merge: false, lineCounter: lc });
  const at = (offset: number | undefined): SourcePosition | undefined => {
    if (offset === undefined) return undefined;
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const syntax = doc.errors;
  let nextSyntax = 0;
  return errors.map((e) => {
    if (e.code === 'yaml-syntax') {
      const err = syntax[nextSyntax++];
      return err?.linePos ? { line: err.linePos[0].line, column: err.linePos[0].col } : at(err?.pos[0]);
    }
    if (!e.path || syntax.length) return undefined;
    return at(nodeFor(doc, e.path, e.code)?.range?.[0]);
  });
}

function keyText(p: Pair): string | undefined {
  const k = p.key;
  if (isScalar(k)) return String(k.value);
  return typeof k === 'string' || typeof k === 'number' ? String(k) : undefined;
}

/** The node `path` names, or the deepest one on its way. */
function nodeFor(doc: Document, path: string, code: string | undefined): Node | undefined {
  let node: Node | undefined = doc.contents ?? undefined;
  let rest = path;
  while (rest && node) {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) return node;
      node = target;
    }
    const index = /^\[(\d+)\]/.exec(rest);
    if (index) {
      if (!isSeq(node)) return node;
      const item = node.items[Number(index[1])];
      if (!item || typeof item !== 'object') return node;
      node = item as Node;
      rest = rest.slice(index[0].length);
      continue;
    }
    if (rest.startsWith('.')) rest = rest.slice(1);
    if (!isMap(node)) return node;
    // Keys may hold dots ("unknown key a.b"), so take the longest key the rest of the path starts with; then an
    // alias spelling of an option, whose path has the canonical name.
    const segment = /^[^.[]*/.exec(rest)![0];
    let best: { pair: Pair; len: number } | undefined;
    for (const pair of node.items) {
      const k = keyText(pair);
      if (k === undefined) continue;
      const exact = rest === k || rest.startsWith(`${k}.`) || rest.startsWith(`${k}[`);
      if (exact && (!best || k.length > best.len)) best = { pair, len: k.length };
    }
    const spellings = node.items.filter((p) => {
      const k = keyText(p);
      return k !== undefined && canonicalOptionName(k) === segment;
    });
    // A duplicated option is reported at its second spelling (the parser keeps the first).
    if (spellings.length > 1 && code === 'duplicate-option' && rest === segment)
      best = { pair: spellings[spellings.length - 1], len: segment.length };
    else if (!best && spellings.length) best = { pair: spellings[0], len: segment.length };
    if (!best) return node;
    rest = rest.slice(best.len);
    const key = best.pair.key as Node | null;
    const value = best.pair.value as Node | null;
    if (!rest) {
      // The entry itself: a key-level problem points at the key, a value-level one at the value when it has one.
      if (
        code === 'unknown-key' ||
        code === 'duplicate-option' ||
        code === 'unknown-option' ||
        code === 'misplaced-option' ||
        code === 'unknown-section'
      )
        return isScalar(key) ? key : node;
      return value && typeof value === 'object' && value.range ? value : isScalar(key) ? key : node;
    }
    if (!value || typeof value !== 'object') return isScalar(key) ? key : node;
    node = value;
  }
  return node;
}
