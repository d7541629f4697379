import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Table, index, the indexed expression, and how to show a group of clashing rows. */
const INDEXES = [
  {
    table: 'users',
    index: 'IDX_users_username_lower',
    on: '(lower("username"))',
    key: 'lower("username")',
    show: `string_agg("username", ' / ')`,
  },
  {
    table: 'applications',
    index: 'IDX_applications_name_lower',
    on: '(lower("name"))',
    key: 'lower("name")',
    show: `string_agg("name", ' / ')`,
  },
  { table: 'switches', index: 'IDX_switches_name_lower', on: '(lower("name"))', key: 'lower("name")', show: `string_agg("name", ' / ')` },
  {
    table: 'dns',
    index: 'IDX_dns_switch_number_lower',
    on: '("switch_name", lower("number"))',
    key: '"switch_name", lower("number")',
    show: `min("switch_name") || ': ' || string_agg("number", ' / ')`,
  },
] as const;

/**
 * Names are unique regardless of case (contracts/names.ts: users, applications, switches, DN numbers per switch):
 * a unique index on the lower-cased name holds it in the database too, under concurrent writes.
 *
 * A database may already hold names differing only in case (written before the rule). Such data is left exactly as it
 * is, and that table gets no index (the others do): failing here would stop the control plane from starting, and with
 * it the only way to fix the names. The control plane still refuses new duplicates (validation, 409), every
 * configuration change is refused until the clash is resolved (the error names both), and this prints one line per
 * table naming the clashing names and the statement that creates the index once they are resolved.
 */
export class CaseInsensitiveNames1763770000009 implements MigrationInterface {
  name = 'CaseInsensitiveNames1763770000009';

  async up(q: QueryRunner): Promise<void> {
    for (const ix of INDEXES) {
      const create = `CREATE UNIQUE INDEX "${ix.index}" ON "${ix.table}" ${ix.on}`;
      const clashes = (await q.query(
        `SELECT ${ix.show} AS names FROM "${ix.table}" GROUP BY ${ix.key} HAVING count(*) > 1 ORDER BY 1 LIMIT 20`,
      )) as { names: string }[];
      if (clashes.length === 0) {
        await q.query(create);
        continue;
      }
      process.stderr.write(
        `migration ${this.name}: table ${ix.table} holds names that differ only in case (${clashes.map((c) => c.names).join('; ')}); ` +
          `left as they are, without the case-insensitive unique index. Rename or delete one of each, then run: ${create};\n`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const ix of INDEXES) await q.query(`DROP INDEX IF EXISTS "${ix.index}"`);
  }
}
