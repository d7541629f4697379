import { isDeepStrictEqual } from 'node:util';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { emptyConfigDocument, type ConfigDocument } from '../backend/src/contracts/config-document.js';
import {
  applyDocumentDelta,
  documentDelta,
  isSnapshotDue,
  type DocumentDelta,
} from '../backend/src/control-plane/modules/configuration/document-delta.js';

/**
 * Configuration versions stored as changes: each version keeps its `delta` from the version before, and only every
 * `SNAPSHOT_EVERY`th version or so (document-delta.ts `isSnapshotDue`) keeps the whole document. Existing versions
 * are converted one by one in order; each delta is checked to rebuild its version's document exactly before that
 * document is dropped, so the history reads as it did (a mismatch aborts the migration, nothing changed).
 */
export class ConfigVersionDeltas1764770000001 implements MigrationInterface {
  name = 'ConfigVersionDeltas1764770000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "config_versions" ALTER COLUMN "document" DROP NOT NULL,
      ADD COLUMN "delta" jsonb, ADD COLUMN "document_bytes" int, ADD COLUMN "delta_bytes" int NOT NULL DEFAULT 0`);
    await q.query(`CREATE INDEX "IDX_config_versions_snapshots" ON "config_versions" ("version") WHERE "document" IS NOT NULL`);
    const versions = ((await q.query('SELECT version FROM config_versions ORDER BY version')) as { version: number }[]).map(
      (r) => r.version,
    );
    let prev: ConfigDocument = emptyConfigDocument();
    let prevVersion = 0;
    let last: { version: number; bytes: number } | undefined;
    let since = 0;
    for (const version of versions) {
      const rows = (await q.query('SELECT document FROM config_versions WHERE version = $1', [version])) as { document: ConfigDocument }[];
      const doc = rows[0]!.document;
      const delta = JSON.stringify(documentDelta(prev, doc) ?? null);
      if (!isDeepStrictEqual(applyDocumentDelta(prev, JSON.parse(delta) as DocumentDelta | null), doc)) {
        throw new Error(`configuration version ${version}: its delta does not rebuild its document; nothing was converted`);
      }
      // A gap in the numbering (never written by this product) starts a new chain.
      if (version !== prevVersion + 1 || isSnapshotDue(last, version, since + delta.length)) {
        const bytes = JSON.stringify(doc).length;
        await q.query('UPDATE config_versions SET delta = $2, delta_bytes = $3, document_bytes = $4 WHERE version = $1', [
          version,
          delta,
          delta.length,
          bytes,
        ]);
        last = { version, bytes };
        since = 0;
      } else {
        await q.query('UPDATE config_versions SET document = NULL, delta = $2, delta_bytes = $3 WHERE version = $1', [
          version,
          delta,
          delta.length,
        ]);
        since += delta.length;
      }
      prev = doc;
      prevVersion = version;
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const rows = (await q.query('SELECT version, document IS NOT NULL AS snapshot FROM config_versions ORDER BY version')) as {
      version: number;
      snapshot: boolean;
    }[];
    let doc: ConfigDocument = emptyConfigDocument();
    for (const r of rows) {
      if (r.snapshot) {
        doc = (
          (await q.query('SELECT document FROM config_versions WHERE version = $1', [r.version])) as { document: ConfigDocument }[]
        )[0]!.document;
        continue;
      }
      const d = (
        (await q.query('SELECT delta FROM config_versions WHERE version = $1', [r.version])) as { delta: DocumentDelta | null }[]
      )[0]!.delta;
      doc = applyDocumentDelta(doc, d);
      await q.query('UPDATE config_versions SET document = $2 WHERE version = $1', [r.version, JSON.stringify(doc)]);
    }
    await q.query(`DROP INDEX "IDX_config_versions_snapshots"`);
    await q.query(`ALTER TABLE "config_versions" DROP COLUMN "delta", DROP COLUMN "document_bytes", DROP COLUMN "delta_bytes",
      ALTER COLUMN "document" SET NOT NULL`);
  }
}
