import type { MigrationInterface, QueryRunner } from 'typeorm';
import { maskOptionValue, maskSecretsDeep } from '../backend/src/contracts/secrets.js';

interface Change {
  field?: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Secret option values (options marked `secret` in the registry: `certificate-key` PEM) move to their own table,
 * `config_secrets`, keyed by reference (`secret:sha256:<hex>`). Everything else stores the reference: the current
 * objects, every version's document and changes, and audit entries written before bodies were masked. After this
 * migration no old version and no audit entry holds a readable key.
 */
export class ConfigSecrets1763770000006 implements MigrationInterface {
  name = 'ConfigSecrets1763770000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "config_secrets" (
      "ref" varchar(80) NOT NULL PRIMARY KEY,
      "value" text NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now())`);
    const found = new Map<string, string>();
    // Only rows holding PEM can hold an inline secret; the rest are left alone.
    const apps = (await q.query(`SELECT id, options FROM applications WHERE options::text LIKE '%-----BEGIN%'`)) as {
      id: string;
      options: unknown;
    }[];
    for (const a of apps)
      await q.query('UPDATE applications SET options = $2 WHERE id = $1', [a.id, JSON.stringify(maskSecretsDeep(a.options, found))]);
    const versions = (await q.query(
      `SELECT version, document, changes FROM config_versions WHERE document::text LIKE '%-----BEGIN%' OR changes::text LIKE '%-----BEGIN%'`,
    )) as { version: number; document: unknown; changes: Change[] }[];
    for (const v of versions) {
      const changes = v.changes.map((c) =>
        maskSecretsDeep(
          { ...c, before: maskOptionValue(c.field, c.before, found), after: maskOptionValue(c.field, c.after, found) },
          found,
        ),
      );
      await q.query('UPDATE config_versions SET document = $2, changes = $3 WHERE version = $1', [
        v.version,
        JSON.stringify(maskSecretsDeep(v.document, found)),
        JSON.stringify(changes),
      ]);
    }
    const audit = (await q.query(`SELECT id, detail FROM audit_log WHERE detail::text LIKE '%-----BEGIN%'`)) as {
      id: string;
      detail: unknown;
    }[];
    for (const e of audit)
      await q.query('UPDATE audit_log SET detail = $2 WHERE id = $1', [e.id, JSON.stringify(maskSecretsDeep(e.detail, found))]);
    for (const [ref, value] of found)
      await q.query('INSERT INTO config_secrets (ref, value) VALUES ($1, $2) ON CONFLICT (ref) DO NOTHING', [ref, value]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "config_secrets"`);
  }
}
