import { describe, expect, it } from 'vitest';
import type { ConfigDocument } from '../../../contracts/config-document.js';
import { emptyConfigDocument } from '../../../contracts/config-document.js';
import { applyDocumentDelta, documentDelta } from './document-delta.js';

/** A small deterministic PRNG, so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** One random edit of any kind the document allows: add, remove, change, reorder, at any level. */
function randomEdit(doc: ConfigDocument, r: () => number): void {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const n = Math.floor(r() * 12);
  const sw = pick(doc.switches);
  switch (n) {
    case 0:
      doc.applications.splice(Math.floor(r() * (doc.applications.length + 1)), 0, {
        name: `app${Math.floor(r() * 1e6)}`,
        type: 'sip-proxy',
        host: 'h',
        ports: { 'sip-port': 5060 },
        options: { sipproxy: { 'sipproxy-role': 10 } },
      });
      break;
    case 1:
      if (doc.applications.length) doc.applications.splice(Math.floor(r() * doc.applications.length), 1);
      break;
    case 2: {
      const a = pick(doc.applications);
      if (a) {
        a.host = `h${Math.floor(r() * 9)}`;
        if (r() < 0.5) delete a.backup;
        else a.backup = 'b';
      }
      break;
    }
    case 3:
      doc.applications.reverse();
      break;
    case 4:
      doc.switches.splice(Math.floor(r() * (doc.switches.length + 1)), 0, {
        name: `sw${Math.floor(r() * 1e6)}`,
        ...(r() < 0.5 ? { sipServer: 'S' } : {}),
        dns: r() < 0.5 ? [] : [{ number: '1', type: 'trunk', options: {} }],
      });
      break;
    case 5:
      if (doc.switches.length) doc.switches.splice(Math.floor(r() * doc.switches.length), 1);
      break;
    case 6:
      if (sw) {
        if (r() < 0.5) delete sw.sipServer;
        else sw.sipServer = `S${Math.floor(r() * 3)}`;
      }
      break;
    case 7:
      if (sw)
        sw.dns.splice(Math.floor(r() * (sw.dns.length + 1)), 0, {
          number: String(Math.floor(r() * 1e6)),
          type: 'extension',
          options: { TServer: { contact: 'x' } },
        });
      break;
    case 8:
      if (sw?.dns.length) sw.dns.splice(Math.floor(r() * sw.dns.length), 1);
      break;
    case 9: {
      const d = sw && pick(sw.dns);
      if (d) {
        d.options.TServer = { ...(d.options.TServer ?? {}), 'oos-check': Math.floor(r() * 30) };
        if (r() < 0.3) d.type = 'trunk';
      }
      break;
    }
    case 10:
      if (sw && sw.dns.length > 1) {
        const [x] = sw.dns.splice(0, 1);
        sw.dns.push(x);
      }
      break;
    default:
      if (doc.switches.length > 1) {
        const [x] = doc.switches.splice(0, 1);
        doc.switches.push(x);
      }
  }
}

describe('documentDelta / applyDocumentDelta', () => {
  it('rebuilds the next document exactly, edit after edit, after a JSON round trip (as stored), whatever the edit', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      let doc = emptyConfigDocument();
      doc.switches.push({ name: 'A', sipServer: 'S', dns: [{ number: '1', type: 'trunk', options: {} }] });
      for (let step = 0; step < 60; step++) {
        const next = structuredClone(doc);
        for (let k = 0, m = 1 + Math.floor(r() * 3); k < m; k++) randomEdit(next, r);
        const delta = documentDelta(doc, next);
        const stored = delta && (JSON.parse(JSON.stringify(delta)) as typeof delta);
        const before = JSON.stringify(doc);
        const rebuilt = applyDocumentDelta(doc, stored);
        expect(JSON.stringify(doc), `seed ${seed} step ${step}: the base is not modified`).toBe(before);
        expect(rebuilt, `seed ${seed} step ${step}`).toEqual(next);
        expect(rebuilt.switches.map((s) => s.name)).toEqual(next.switches.map((s) => s.name));
        doc = next;
      }
    }
  });

  it('is small for a small change: one DN option of 2,000 DNs', () => {
    const doc = emptyConfigDocument();
    doc.switches.push({
      name: 'A',
      dns: Array.from({ length: 2000 }, (_, i) => ({ number: String(i), type: 'trunk', options: { TServer: { 'oos-check': 5 } } })),
    });
    const next = structuredClone(doc);
    next.switches[0].dns[1234].options.TServer['oos-check'] = 7;
    const delta = documentDelta(doc, next);
    expect(delta).toEqual({ dns: { A: { remove: ['1234'], put: [{ at: 1234, value: next.switches[0].dns[1234] }] } } });
    expect(documentDelta(doc, structuredClone(doc))).toBeUndefined();
  });
});
