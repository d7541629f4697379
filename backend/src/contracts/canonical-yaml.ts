/**
 * A fast writer and reader for the canonical YAML this product exports: block mappings and sequences of scalars,
 * strings plain only when unambiguous (else JSON-quoted, which YAML 1.2 reads as a double-quoted scalar), integers,
 * booleans, `[]` and `{}`. The `yaml` package reads and writes such text the same way, but at about 1 MB/s; a
 * 10,000-DN export is 4 MB. The reader accepts only this exact form and returns `undefined` for anything else, so
 * the caller falls back to the `yaml` package (comments, flow style, anchors, other scalars: all of YAML).
 */

type Plain = string | number | boolean | null | Plain[] | { [k: string]: Plain };

const SAFE_PLAIN = /^[A-Za-z0-9_./][A-Za-z0-9_./@:;=,+-]*$/;
/** Plain scalars the YAML 1.2 core schema (or YAML 1.1 readers) would not read as a string. */
const AMBIGUOUS =
  /^(?:[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9]+(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|null|Null|NULL|~|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|<<)$/;
const INT = /^-?(?:0|[1-9][0-9]*)$/;

/** JSON string syntax, ASCII only: YAML readers differ on raw non-ASCII breaks (U+0085, U+2028), never on escapes. */
function quote(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function scalarOut(v: string | number | boolean | null): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return String(v);
    return Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf';
  }
  if (SAFE_PLAIN.test(v) && !v.endsWith(':') && !AMBIGUOUS.test(v)) return v;
  return quote(v);
}

function keyOut(k: string): string {
  return SAFE_PLAIN.test(k) && !k.endsWith(':') && !AMBIGUOUS.test(k) ? k : quote(k);
}

function isPlainObject(v: unknown): v is Record<string, Plain> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Writes `v` (plain objects, arrays of objects, scalars) as block YAML, sequences indented under their key. */
export function writeCanonicalYaml(v: Record<string, unknown>): string {
  const out: string[] = [];
  writeMap(v as Record<string, Plain>, 0, out, '');
  return out.join('\n') + '\n';
}

function writeMap(m: Record<string, Plain>, indent: number, out: string[], firstPrefix: string): void {
  const pad = ' '.repeat(indent);
  let first = true;
  for (const k of Object.keys(m)) {
    const v = m[k];
    if (v === undefined) continue;
    const lead = first && firstPrefix !== '' ? firstPrefix : pad;
    first = false;
    const key = keyOut(k);
    if (Array.isArray(v)) {
      if (v.length === 0) out.push(`${lead}${key}: []`);
      else {
        out.push(`${lead}${key}:`);
        writeSeq(v, indent + 2, out);
      }
    } else if (isPlainObject(v)) {
      if (Object.keys(v).length === 0) out.push(`${lead}${key}: {}`);
      else {
        out.push(`${lead}${key}:`);
        writeMap(v, indent + 2, out, '');
      }
    } else {
      out.push(`${lead}${key}: ${scalarOut(v)}`);
    }
  }
}

function writeSeq(items: Plain[], indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  for (const item of items) {
    if (isPlainObject(item) && Object.keys(item).length > 0) writeMap(item, indent + 2, out, `${pad}- `);
    else if (Array.isArray(item) || isPlainObject(item)) out.push(`${pad}- ${Array.isArray(item) && item.length === 0 ? '[]' : '{}'}`);
    else out.push(`${pad}- ${scalarOut(item)}`);
  }
  if (items.some((i) => Array.isArray(i) && i.length > 0)) throw new Error('nested sequences are not written by writeCanonicalYaml');
}

// ------------------------------------------------------------------ reader

class NotCanonical extends Error {}

interface Line {
  readonly indent: number;
  /** A `- ` sequence entry marker (its content follows as the next line, 2 deeper). */
  readonly dash: boolean;
  readonly text: string;
}

const KEY_LINE = /^("(?:[^"\\]|\\.)*"|[A-Za-z0-9_./][A-Za-z0-9_./@:;=,+-]*?):(?: (.+))?$/;

function scalarIn(s: string): Plain {
  if (s.startsWith('"')) {
    const v: unknown = JSON.parse(s);
    if (typeof v !== 'string') throw new NotCanonical();
    return v;
  }
  if (s === '[]') return [];
  if (s === '{}') return {};
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (INT.test(s)) {
    const n = Number(s);
    if (!Number.isSafeInteger(n)) throw new NotCanonical();
    return n;
  }
  if (SAFE_PLAIN.test(s) && !s.endsWith(':') && !AMBIGUOUS.test(s)) return s;
  throw new NotCanonical();
}

function keyIn(s: string): string {
  if (s.startsWith('"')) return JSON.parse(s) as string;
  if (s.endsWith(':') || AMBIGUOUS.test(s)) throw new NotCanonical();
  return s;
}

/**
 * Reads text in the canonical form `writeCanonicalYaml` writes; `undefined` when the text is anything else
 * (then read it with the `yaml` package). Duplicate keys are refused (undefined), as the `yaml` package refuses them.
 */
export function readCanonicalYaml(text: string): Record<string, unknown> | undefined {
  if (text.includes('\r') || text.includes('\t')) return undefined;
  const raw = text.split('\n');
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  const lines: Line[] = [];
  for (const r of raw) {
    let indent = 0;
    while (indent < r.length && r.charCodeAt(indent) === 32) indent++;
    let t = r.slice(indent);
    if (t === '' || t.startsWith('#') || t.startsWith('---') || t.startsWith('...') || (/ #/.test(t) && !t.includes('"'))) return undefined;
    while (t.startsWith('- ')) {
      lines.push({ indent, dash: true, text: '' });
      indent += 2;
      t = t.slice(2);
    }
    if (t === '-') return undefined;
    lines.push({ indent, dash: false, text: t });
  }
  if (lines.length === 0) return undefined;
  try {
    const pos = { i: 0 };
    if (lines[0].indent !== 0 || lines[0].dash) return undefined;
    const v = readMap(lines, pos, 0);
    if (pos.i !== lines.length) return undefined;
    return v;
  } catch (e) {
    if (e instanceof NotCanonical || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

function readMap(lines: Line[], pos: { i: number }, indent: number): Record<string, Plain> {
  const out: Record<string, Plain> = {};
  while (pos.i < lines.length) {
    const l = lines[pos.i];
    if (l.indent < indent) break;
    if (l.indent > indent || l.dash) throw new NotCanonical();
    const m = KEY_LINE.exec(l.text);
    if (!m) throw new NotCanonical();
    const key = keyIn(m[1]);
    if (Object.prototype.hasOwnProperty.call(out, key) || key === '__proto__') throw new NotCanonical();
    pos.i++;
    if (m[2] !== undefined) {
      out[key] = scalarIn(m[2]);
      continue;
    }
    const next = lines[pos.i];
    if (!next || next.indent <= indent) throw new NotCanonical(); // `key:` with nothing below is null: not canonical
    out[key] = next.dash ? readSeq(lines, pos, next.indent) : readMap(lines, pos, next.indent);
  }
  return out;
}

function readSeq(lines: Line[], pos: { i: number }, indent: number): Plain[] {
  const out: Plain[] = [];
  while (pos.i < lines.length) {
    const l = lines[pos.i];
    if (l.indent < indent) break;
    if (l.indent > indent || !l.dash) throw new NotCanonical();
    pos.i++;
    const item = lines[pos.i];
    if (!item || item.indent !== indent + 2 || item.dash) throw new NotCanonical();
    if (KEY_LINE.test(item.text)) out.push(readMap(lines, pos, indent + 2));
    else {
      out.push(scalarIn(item.text));
      pos.i++;
    }
  }
  return out;
}
