import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { ConfigDocument, OptionSections } from '../backend/src/contracts/config-document.js';
import { retypeLegacyOptions } from '../backend/src/contracts/options/legacy-values.js';
import { APPLICATION_KINDS, DN_KINDS, type ObjectKind } from '../backend/src/contracts/options/option-schema.js';

const KINDS = new Set<string>([...APPLICATION_KINDS, ...DN_KINDS]);
const retype = (kind: string, options: OptionSections | undefined) =>
  KINDS.has(kind) && options && typeof options === 'object'
    ? retypeLegacyOptions(kind as ObjectKind, options)
    : { options, changed: false };

/**
 * Option values are typed strictly since this release (`"5"` for an integer, `"true"` for a bool and `contact: true`
 * are invalid-type). Values stored by earlier releases are rewritten to what they meant (contracts' legacy-values.ts):
 * the current objects and every version's document, so later writes, rollbacks and the workers see valid values.
 */
export class OptionValueTypes1763770000008 implements MigrationInterface {
  name = 'OptionValueTypes1763770000008';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['applications', 'dns']) {
      const rows = (await q.query(`SELECT id, type, options FROM ${table}`)) as { id: string; type: string; options: OptionSections }[];
      for (const r of rows) {
        const t = retype(r.type, r.options);
        if (t.changed) await q.query(`UPDATE ${table} SET options = $2 WHERE id = $1`, [r.id, JSON.stringify(t.options)]);
      }
    }
    // One document at a time: a large deployment's versions do not fit in memory together.
    const versions = (await q.query('SELECT version FROM config_versions ORDER BY version')) as { version: number }[];
    for (const { version } of versions) {
      const [row] = (await q.query('SELECT document FROM config_versions WHERE version = $1', [version])) as { document: ConfigDocument }[];
      if (!row) continue;
      let changed = false;
      const doc = row.document;
      for (const a of doc.applications ?? []) {
        const t = retype(a.type, a.options);
        if (t.changed) {
          a.options = t.options!;
          changed = true;
        }
      }
      for (const s of doc.switches ?? []) {
        for (const d of s.dns ?? []) {
          const t = retype(d.type, d.options);
          if (t.changed) {
            d.options = t.options!;
            changed = true;
          }
        }
      }
      if (changed) await q.query('UPDATE config_versions SET document = $2 WHERE version = $1', [version, JSON.stringify(doc)]);
    }
  }

  async down(): Promise<void> {
    // The typed values are what the old values meant; older releases read them as well.
  }
}
