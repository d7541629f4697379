import type { MigrationInterface, QueryRunner } from 'typeorm';
import { maskOptionValue, maskSecretsDeep } from '../backend/src/contracts/secrets.js';

interface Change {
  field?: string;
  before?: unknown;
  after?: unknown;
}

/**
 * A private key pasted into `certificate` or `trusted-ca` (options every role reads) was accepted before validation
 * refused it (`private-key-misplaced`). Such values move to `config_secrets` like `certificate-key`'s: the current
 * objects, every version's document and changes, and audit entries keep only the reference, so no read shows the key.
 * The data is otherwise left as it is: the configuration stays what it was (the worker and an admin's export with
 * secrets still get the value), and the next change to it is refused until the key is moved to `certificate-key`,
 * with an error naming the option.
 */
export class PrivateKeysInPublicOptions1763770000007 implements MigrationInterface {
  name = 'PrivateKeysInPublicOptions1763770000007';

  async up(q: QueryRunner): Promise<void> {
    const found = new Map<string, string>();
    // Only rows holding a PEM private key can hold one; the rest are left alone.
    const apps = (await q.query(`SELECT id, options FROM applications WHERE options::text LIKE '%PRIVATE KEY-----%'`)) as {
      id: string;
      options: unknown;
    }[];
    for (const a of apps)
      await q.query('UPDATE applications SET options = $2 WHERE id = $1', [a.id, JSON.stringify(maskSecretsDeep(a.options, found))]);
    const versions = (await q.query(
      `SELECT version, document, changes FROM config_versions WHERE document::text LIKE '%PRIVATE KEY-----%' OR changes::text LIKE '%PRIVATE KEY-----%'`,
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
    const audit = (await q.query(`SELECT id, detail FROM audit_log WHERE detail::text LIKE '%PRIVATE KEY-----%'`)) as {
      id: string;
      detail: unknown;
    }[];
    for (const e of audit)
      await q.query('UPDATE audit_log SET detail = $2 WHERE id = $1', [e.id, JSON.stringify(maskSecretsDeep(e.detail, found))]);
    for (const [ref, value] of found)
      await q.query('INSERT INTO config_secrets (ref, value) VALUES ($1, $2) ON CONFLICT (ref) DO NOTHING', [ref, value]);
  }

  async down(): Promise<void> {
    // Nothing to undo: the references name values kept in config_secrets, which the older code reads as it is.
  }
}
