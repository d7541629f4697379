import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, type DataSource, type EntityManager } from 'typeorm';
import { emptyConfigDocument, type ConfigDocument } from '../../../contracts/config-document.js';
import { ApplicationEntity, ConfigHeadEntity, ConfigVersionEntity, DnEntity, SwitchEntity } from './config.entities.js';
import { dnKey, touchedObjects, type DocumentChange } from './document-diff.js';
import { applyDocumentDelta, documentDelta, isSnapshotDue, type DocumentDelta } from './document-delta.js';
import { REPLICA_ID } from '../../common/replica.js';
import { notificationPayload } from '../../database/notification-channels.js';

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
export interface ListQuery {
  page: number;
  pageSize: number;
  q?: string;
  type?: string;
  sort?: string;
  order: 'ASC' | 'DESC';
}
export interface VersionSummary {
  version: number;
  createdAt: Date;
  author: string;
  summary: string;
  changeCount: number;
}

const CHUNK = 1000;

/** The one place that reads and writes the configuration tables. */
@Injectable()
export class ConfigRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Runs `fn` in one transaction with the head row locked: writes are serialized and all-or-nothing. */
  async withLockedHead<T>(fn: (tx: ConfigTx) => Promise<T>): Promise<T> {
    return this.ds.transaction('READ COMMITTED', async (em) => {
      await em.query('INSERT INTO config_head (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING');
      const rows = await em.query<{ version: number }[]>('SELECT version FROM config_head WHERE id = 1 FOR UPDATE');
      return fn(new ConfigTx(em, rows[0].version));
    });
  }

  async headVersion(): Promise<number> {
    const h = await this.ds.getRepository(ConfigHeadEntity).findOne({ where: { id: 1 } });
    return h?.version ?? 0;
  }

  /** The document of `version` (undefined: no such version), rebuilt from the snapshot at or below it. */
  documentAt(version: number): Promise<ConfigDocument | undefined> {
    return documentAtOf((sql, p) => this.ds.query(sql, p), version);
  }

  /** The deltas of the versions after `from` up to `to`, in order (to bring a cached document forward). */
  deltasAfter(from: number, to: number): Promise<(DocumentDelta | null)[]> {
    return deltasOf((sql, p) => this.ds.query(sql, p), from, to);
  }

  /** A version's record without its stored document or delta (`documentAt` rebuilds the document). */
  async versionDetail(
    version: number,
  ): Promise<Pick<ConfigVersionEntity, 'version' | 'createdAt' | 'author' | 'summary' | 'changes'> | null> {
    return this.ds
      .getRepository(ConfigVersionEntity)
      .findOne({ where: { version }, select: { version: true, createdAt: true, author: true, summary: true, changes: true } });
  }

  async listVersions(page: number, pageSize: number): Promise<Page<VersionSummary>> {
    const [items, total] = await this.ds.getRepository(ConfigVersionEntity).findAndCount({
      select: { version: true, createdAt: true, author: true, summary: true, changeCount: true },
      order: { version: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items, total, page, pageSize };
  }

  async listApplications(query: ListQuery): Promise<Page<ApplicationEntity>> {
    const qb = this.ds.getRepository(ApplicationEntity).createQueryBuilder('a');
    if (query.type) qb.andWhere('a.type = :type', { type: query.type });
    if (query.q)
      qb.andWhere(new Brackets((w) => w.where('a.name ILIKE :q', { q: `%${escapeLike(query.q!)}%` }).orWhere('a.host ILIKE :q')));
    const sort = ({ name: 'a.name', type: 'a.type', host: 'a.host' } as Record<string, string>)[query.sort ?? 'name'] ?? 'a.name';
    qb.orderBy(sort, query.order);
    if (sort !== 'a.name') qb.addOrderBy('a.name', 'ASC'); // a tie-breaker on the same key would replace the sort
    qb.skip((query.page - 1) * query.pageSize).take(query.pageSize);
    const [items, total] = await qb.getManyAndCount();
    return { items, total, page: query.page, pageSize: query.pageSize };
  }

  findApplication(name: string): Promise<ApplicationEntity | null> {
    return this.ds.getRepository(ApplicationEntity).findOne({ where: { name } });
  }

  async listSwitches(): Promise<(SwitchEntity & { dnCount: number })[]> {
    const rows = await this.ds.query<
      (SwitchEntity & { dnCount: number })[]
    >(`SELECT s.id, s.name, s.sip_server AS "sipServer", s.position, s.revision, COUNT(d.id)::int AS "dnCount"
      FROM switches s LEFT JOIN dns d ON d.switch_name = s.name GROUP BY s.id ORDER BY s.name`);
    return rows;
  }

  findSwitch(name: string): Promise<SwitchEntity | null> {
    return this.ds.getRepository(SwitchEntity).findOne({ where: { name } });
  }

  async listDns(switchName: string | undefined, query: ListQuery): Promise<Page<DnEntity>> {
    const qb = this.ds.getRepository(DnEntity).createQueryBuilder('d');
    if (switchName) qb.andWhere('d.switch_name = :sw', { sw: switchName });
    if (query.type) qb.andWhere('d.type = :type', { type: query.type });
    if (query.q) qb.andWhere('d.number ILIKE :q', { q: `%${escapeLike(query.q)}%` });
    const sort =
      ({ number: 'd.number', type: 'd.type', switch: 'd.switch_name' } as Record<string, string>)[query.sort ?? 'number'] ?? 'd.number';
    qb.orderBy(sort, query.order);
    if (sort !== 'd.number') qb.addOrderBy('d.number', 'ASC');
    qb.skip((query.page - 1) * query.pageSize).take(query.pageSize);
    const [items, total] = await qb.getManyAndCount();
    return { items, total, page: query.page, pageSize: query.pageSize };
  }

  findDn(switchName: string, number: string): Promise<DnEntity | null> {
    return this.ds.getRepository(DnEntity).findOne({ where: { switchName, number } });
  }

  /** Values of secret references (contracts/secrets.ts) from the secret store; unknown references are absent. */
  secrets(refs: Iterable<string>): Promise<Map<string, string>> {
    return secretsOf((sql, p) => this.ds.query(sql, p), refs);
  }
}

type Query = (sql: string, params: unknown[]) => Promise<unknown>;

async function deltasOf(query: Query, from: number, to: number): Promise<(DocumentDelta | null)[]> {
  const rows = (await query('SELECT version, delta FROM config_versions WHERE version > $1 AND version <= $2 ORDER BY version', [
    from,
    to,
  ])) as { version: number; delta: DocumentDelta | null }[];
  if (rows.length !== to - from) throw new Error(`configuration versions ${from + 1}..${to}: ${rows.length} stored, ${to - from} expected`);
  return rows.map((r) => r.delta);
}

async function documentAtOf(query: Query, version: number): Promise<ConfigDocument | undefined> {
  if (version === 0) return emptyConfigDocument();
  const at = (await query(
    `SELECT v.version, (SELECT max(s.version) FROM config_versions s WHERE s.version <= v.version AND s.document IS NOT NULL) AS snapshot
    FROM config_versions v WHERE v.version = $1`,
    [version],
  )) as { version: number; snapshot: number | null }[];
  if (!at.length) return undefined;
  const snapshot = at[0].snapshot;
  if (snapshot === null) throw new Error(`configuration version ${version} has no snapshot at or below it`);
  const rows = (await query('SELECT document FROM config_versions WHERE version = $1', [snapshot])) as { document: ConfigDocument }[];
  let doc = rows[0].document;
  for (const d of await deltasOf(query, snapshot, version)) doc = applyDocumentDelta(doc, d);
  return doc;
}

async function secretsOf(
  query: (sql: string, params: unknown[]) => Promise<unknown>,
  refs: Iterable<string>,
): Promise<Map<string, string>> {
  const list = [...refs];
  if (!list.length) return new Map();
  const rows = (await query('SELECT ref, value FROM config_secrets WHERE ref = ANY($1::text[])', [list])) as {
    ref: string;
    value: string;
  }[];
  return new Map(rows.map((r) => [r.ref, r.value]));
}

/** Writes inside the locked transaction of `withLockedHead`. */
export class ConfigTx {
  constructor(
    private readonly em: EntityManager,
    readonly headVersion: number,
  ) {}

  async documentAt(version: number): Promise<ConfigDocument> {
    return (await documentAtOf((sql, p) => this.em.query(sql, p), version)) ?? emptyConfigDocument();
  }

  deltasAfter(from: number, to: number): Promise<(DocumentDelta | null)[]> {
    return deltasOf((sql, p) => this.em.query(sql, p), from, to);
  }

  secrets(refs: Iterable<string>): Promise<Map<string, string>> {
    return secretsOf((sql, p) => this.em.query(sql, p), refs);
  }

  /** Keeps secret values by reference; a value is stored once, whatever the number of versions naming it. */
  async storeSecrets(secrets: ReadonlyMap<string, string>): Promise<void> {
    if (!secrets.size) return;
    await this.em.query(
      'INSERT INTO config_secrets (ref, value) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (ref) DO NOTHING',
      [[...secrets.keys()], [...secrets.values()]],
    );
  }

  async revisionOf(object: 'application' | 'switch' | 'dn', name: string): Promise<number | undefined> {
    if (object === 'dn') {
      const [sw, ...rest] = name.split('/');
      const r = await this.em.query<{ revision: number }[]>('SELECT revision FROM dns WHERE switch_name = $1 AND number = $2', [
        sw,
        rest.join('/'),
      ]);
      return r[0]?.revision;
    }
    const table = object === 'application' ? 'applications' : 'switches';
    const r = await this.em.query<{ revision: number }[]>(`SELECT revision FROM ${table} WHERE name = $1`, [name]);
    return r[0]?.revision;
  }

  /**
   * Brings the tables in line with `doc` for the objects `changes` touches, and records the version: its delta from
   * `before` (the document of `version - 1`), and the whole document when a snapshot is due (document-delta.ts).
   */
  async commit(
    version: number,
    before: ConfigDocument,
    doc: ConfigDocument,
    changes: DocumentChange[],
    author: string,
    summary: string,
  ): Promise<void> {
    const t = touchedObjects(changes);
    const em = this.em;
    if (t.applications.size) {
      const names = [...t.applications];
      await em.createQueryBuilder().delete().from(ApplicationEntity).where('name IN (:...names)', { names }).execute();
      const rows = doc.applications
        .map((a, i) => ({ a, i }))
        .filter(({ a }) => t.applications.has(a.name))
        .map(({ a, i }) => ({
          name: a.name,
          type: a.type,
          host: a.host ?? null,
          ports: a.ports,
          backup: a.backup ?? null,
          options: a.options,
          position: i,
          revision: version,
        }));
      for (let i = 0; i < rows.length; i += CHUNK)
        await em
          .createQueryBuilder()
          .insert()
          .into(ApplicationEntity)
          .values(rows.slice(i, i + CHUNK))
          .execute();
    }
    if (t.switches.size) {
      const names = [...t.switches];
      await em.createQueryBuilder().delete().from(SwitchEntity).where('name IN (:...names)', { names }).execute();
      const rows = doc.switches
        .map((s, i) => ({ s, i }))
        .filter(({ s }) => t.switches.has(s.name))
        .map(({ s, i }) => ({ name: s.name, sipServer: s.sipServer ?? null, position: i, revision: version }));
      if (rows.length) await em.createQueryBuilder().insert().into(SwitchEntity).values(rows).execute();
      // DNs of a removed switch go with it.
      const remaining = new Set(doc.switches.map((s) => s.name));
      const gone = names.filter((n) => !remaining.has(n));
      if (gone.length) await em.createQueryBuilder().delete().from(DnEntity).where('switch_name IN (:...gone)', { gone }).execute();
    }
    if (t.dns.size) {
      const keys = [...t.dns];
      for (let i = 0; i < keys.length; i += CHUNK) {
        const part = keys.slice(i, i + CHUNK);
        const sw = part.map((k) => k.slice(0, k.indexOf('/')));
        const num = part.map((k) => k.slice(k.indexOf('/') + 1));
        await em.query(
          'DELETE FROM dns d USING unnest($1::text[], $2::text[]) AS x(sw, num) WHERE d.switch_name = x.sw AND d.number = x.num',
          [sw, num],
        );
      }
      const rows: Partial<DnEntity>[] = [];
      for (const s of doc.switches)
        s.dns.forEach((d, i) => {
          if (t.dns.has(dnKey(s.name, d.number)))
            rows.push({ switchName: s.name, number: d.number, type: d.type, options: d.options, position: i, revision: version });
        });
      for (let i = 0; i < rows.length; i += CHUNK)
        await em
          .createQueryBuilder()
          .insert()
          .into(DnEntity)
          .values(rows.slice(i, i + CHUNK))
          .execute();
    }
    const delta = JSON.stringify(documentDelta(before, doc) ?? null);
    const last = await em.query<{ version: number; bytes: number; since: number }[]>(`SELECT s.version, s.document_bytes AS bytes,
        (SELECT COALESCE(SUM(d.delta_bytes), 0)::int FROM config_versions d WHERE d.version > s.version) AS since
      FROM config_versions s WHERE s.document IS NOT NULL ORDER BY s.version DESC LIMIT 1`);
    const document = isSnapshotDue(last[0], version, (last[0]?.since ?? 0) + delta.length) ? JSON.stringify(doc) : null;
    await em.query(
      `INSERT INTO config_versions (version, author, summary, document, document_bytes, delta, delta_bytes, changes, change_count)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        version,
        author,
        summary.slice(0, 500),
        document,
        document?.length ?? null,
        delta,
        delta.length,
        JSON.stringify(changes),
        changes.length,
      ],
    );
    await em.query('UPDATE config_head SET version = $1 WHERE id = 1', [version]);
    await em.query('INSERT INTO audit_log (actor, action, target, config_version, detail, target_label) VALUES ($1, $2, $3, $4, $5, $6)', [
      author,
      'config.commit',
      `configuration v${version}`,
      version,
      JSON.stringify({ summary, changeCount: changes.length }),
      `configuration v${version} (${summary})`.slice(0, 500),
    ]);
    // Delivered at commit to every control-plane replica LISTENing (workers module).
    await em.query('SELECT pg_notify($1, $2)', ['config_changed', notificationPayload('config_changed', { version }, REPLICA_ID)]);
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
