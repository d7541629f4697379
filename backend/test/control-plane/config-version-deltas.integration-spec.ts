import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConfigDocument, type ConfigDocument } from '../../src/contracts/config-document.js';
import { diffDocuments } from '../../src/control-plane/modules/configuration/document-diff.js';
import { SNAPSHOT_EVERY } from '../../src/control-plane/modules/configuration/document-delta.js';
import { ConfigVersionDeltas1764770000001 } from '../../../migrations/1764770000001-config-version-deltas.js';
import { exampleDocument, toYaml } from '../helpers/config-fixtures.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';

/**
 * Versions stored as deltas with periodic snapshots (document-delta.ts), through the running product on real
 * PostgreSQL: after 230 edits of every kind (option edits, DNs added and deleted, applications edited, imports that
 * reorder lists), crossing several snapshots, every version reads back exactly as the document was when it was
 * head; diff and rollback across a snapshot are exact; a second replica follows by deltas; the migration's way back
 * (whole documents) and forth (deltas) keeps every version; a write that fails mid-commit leaves everything as it was.
 */
let url: string;
let product: Product;
let admin: string;
const asOf = new Map<number, string>(); // version -> the export while it was head

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const exportOf = async (p: Product, token: string) => (await p.api('/config/export', { token })).text();
const headOf = async (p: Product, token: string) =>
  ((await (await p.api('/config/head', { token })).json()) as { version: number }).version;
const doc = (yaml: string): ConfigDocument => {
  const r = parseConfigDocument(yaml);
  expect(r.errors).toEqual([]);
  return r.doc;
};

async function record(p: Product, token: string): Promise<number> {
  const v = await headOf(p, token);
  asOf.set(v, await exportOf(p, token));
  return v;
}

async function ok(r: Promise<Response>): Promise<void> {
  const res = await r;
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

/** Edit number `i`: one of several kinds, so deltas of every shape are stored. */
async function edit(p: Product, token: string, i: number): Promise<void> {
  const api = (path: string, init: RequestInit) => ok(p.api(path, { token, ...init }));
  switch (i % 25 === 24 ? 5 : i % 5) {
    case 0:
      return api('/switches/SiteA/dns/sipproxy-pool', { method: 'PATCH', ...json({ options: { TServer: { 'oos-check': 5 + (i % 7) } } }) });
    case 1:
      return api('/switches/SiteB/dns', { method: 'POST', ...json({ number: `x${i}`, type: 'extension', options: {} }) });
    case 2:
      return api('/applications/SIPProxy_2', { method: 'PATCH', ...json({ host: `proxy2-${i}.example.com` }) });
    case 3:
      return api(`/switches/SiteB/dns/x${i - 2}`, { method: 'DELETE' });
    case 4:
      return api('/switches/SiteA/dns/1001', {
        method: 'PATCH',
        ...json({ options: { TServer: { contact: `sip:1001@10.0.0.${i % 250}:5060` } } }),
      });
    default: {
      // An import that reorders (the lists' order is part of the document) and changes a value (a reorder alone is
      // no change: diffDocuments goes by name).
      const d = doc(asOf.get(await headOf(p, token))!);
      d.switches.find((s) => s.name === 'SiteA')!.dns.find((n) => n.number === 'sipproxy-pool')!.options.TServer['oos-check'] =
        20 + (i % 5);
      d.switches.reverse();
      for (const s of d.switches) s.dns.push(...s.dns.splice(1, 1));
      d.applications.push(d.applications.shift()!);
      return importYaml(p, token, toYaml(d));
    }
  }
}

beforeAll(async () => {
  url = await freshDatabase(inject('postgresAdminUrl'), 'deltas');
  product = await startProduct({ DATABASE_URL: url });
  admin = await product.login();
  await importYaml(product, admin, toYaml(exampleDocument()));
  await record(product, admin);
  for (let i = 0; i < 230; i++) {
    await edit(product, admin, i);
    await record(product, admin);
  }
});
afterAll(async () => {
  await product?.stop();
});

async function expectEveryVersion(p: Product, token: string): Promise<void> {
  const head = await headOf(p, token);
  expect(head).toBe(Math.max(...asOf.keys()));
  for (let v = 1; v <= head; v++) {
    const r = await p.api(`/config/versions/${v}`, { token });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { yaml: string }).yaml, `version ${v}`).toBe(asOf.get(v));
  }
}

describe('configuration versions stored as deltas with snapshots', () => {
  it('stores most versions as deltas, with a snapshot at least every SNAPSHOT_EVERY versions', async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const rows = (
        await c.query(
          'SELECT version, document IS NOT NULL AS snapshot, delta IS NOT NULL AS has_delta FROM config_versions ORDER BY version',
        )
      ).rows as { version: number; snapshot: boolean; has_delta: boolean }[];
      const head = Math.max(...asOf.keys());
      expect(head).toBeGreaterThan(2 * SNAPSHOT_EVERY); // a few edits repeat a value: no version
      expect(rows.map((r) => r.version)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
      const snapshots = rows.filter((r) => r.snapshot).map((r) => r.version);
      expect(snapshots[0]).toBe(1);
      expect(snapshots.length).toBeGreaterThanOrEqual(3);
      expect(snapshots.length).toBeLessThan(rows.length / 4);
      for (let i = 1; i < snapshots.length; i++) expect(snapshots[i] - snapshots[i - 1]).toBeLessThanOrEqual(SNAPSHOT_EVERY);
      expect(rows.every((r) => r.has_delta)).toBe(true);
    } finally {
      await c.end();
    }
  });

  it('reads every version back exactly as it was when it was head', async () => {
    await expectEveryVersion(product, admin);
  });

  it('diffs exactly across snapshots, and rolls back to a version between snapshots', async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const snaps = (await c.query('SELECT version FROM config_versions WHERE document IS NOT NULL ORDER BY version')).rows.map(
      (r: { version: number }) => r.version,
    );
    await c.end();
    const from = snaps[1] - 3;
    const to = snaps[2] + 2; // each side of a snapshot, a snapshot between them
    const r = (await (await product.api(`/config/diff?from=${from}&to=${to}`, { token: admin })).json()) as { changes: unknown };
    expect(r.changes).toEqual(JSON.parse(JSON.stringify(diffDocuments(doc(asOf.get(from)!), doc(asOf.get(to)!)))));
    const target = snaps[1] + 1;
    expect(asOf.get(target)).not.toBe(await exportOf(product, admin));
    await ok(product.api(`/config/versions/${target}/rollback`, { method: 'POST', token: admin }));
    const v = await record(product, admin);
    expect(asOf.get(v)).toBe(asOf.get(target));
  });

  it('a second replica follows the head by deltas, and its edits are exact too', async () => {
    const other = await startProduct({ DATABASE_URL: url });
    try {
      const token = await other.login();
      expect(await exportOf(other, token)).toBe(asOf.get(await headOf(product, admin)));
      for (let i = 0; i < 6; i++) {
        const [p, t] = i % 2 ? [product, admin] : [other, token];
        await edit(p, t, 600 + i);
        const v = await record(p, t);
        // The replica that did not write sees the same head, brought forward from its cache.
        const [q, u] = i % 2 ? [other, token] : [product, admin];
        expect(await exportOf(q, u), `v${v} on the other replica`).toBe(asOf.get(v));
      }
      await expectEveryVersion(other, token);
    } finally {
      await other.stop();
    }
  });

  it('a write that fails mid-commit (after its version row) leaves the database and the head as they were', async () => {
    const head = await headOf(product, admin);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const count = async (t: string) => Number((await c.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
    const before = { versions: await count('config_versions'), dns: await count('dns'), audit: await count('audit_log') };
    await c.query(`CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'forced failure'; END $$`);
    await c.query(
      `CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log FOR EACH ROW WHEN (NEW.action = 'config.commit') EXECUTE FUNCTION fail_audit()`,
    );
    try {
      const r = await product.api('/switches/SiteB/dns', {
        method: 'POST',
        token: admin,
        ...json({ number: 'forced', type: 'extension', options: {} }),
      });
      expect(r.status).toBeGreaterThanOrEqual(500);
      expect(await headOf(product, admin)).toBe(head);
      expect({ versions: await count('config_versions'), dns: await count('dns'), audit: await count('audit_log') }).toEqual(before);
      expect(await exportOf(product, admin)).toBe(asOf.get(head));
    } finally {
      await c.query('DROP TRIGGER fail_audit ON audit_log; DROP FUNCTION fail_audit()');
      await c.end();
    }
    // The next write takes the number the failed one did not keep.
    await edit(product, admin, 1);
    expect(await record(product, admin)).toBe(head + 1);
  });

  it('the migration converts whole-document versions to deltas exactly (down to documents, up again)', async () => {
    await product.stop();
    const ds = new DataSource({ type: 'postgres', url });
    await ds.initialize();
    try {
      const m = new ConfigVersionDeltas1764770000001();
      const qr = ds.createQueryRunner();
      await qr.startTransaction();
      await m.down(qr);
      await qr.commitTransaction();
      const stored = await ds.query<{ version: number; document: ConfigDocument }[]>(
        'SELECT version, document FROM config_versions ORDER BY version',
      );
      expect(stored.length).toBe(asOf.size);
      for (const r of stored) expect(r.document, `version ${r.version}`).toEqual(doc(asOf.get(r.version)!));
      await qr.startTransaction();
      await m.up(qr);
      await qr.commitTransaction();
      await qr.release();
      const kinds = await ds.query<{ deltas: number }[]>(
        'SELECT count(*) FILTER (WHERE document IS NULL)::int AS deltas FROM config_versions',
      );
      expect(kinds[0].deltas).toBeGreaterThan(asOf.size / 2);
    } finally {
      await ds.destroy();
    }
    product = await startProduct({ DATABASE_URL: url });
    admin = await product.login();
    await expectEveryVersion(product, admin);
  });
});
