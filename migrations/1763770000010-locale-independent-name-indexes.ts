import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Table, index, the indexed expression, and how to show a group of clashing rows. */
const INDEXES = [
  {
    table: 'users',
    index: 'IDX_users_username_lower',
    on: '(lower("username" COLLATE "C"))',
    key: 'lower("username" COLLATE "C")',
    show: `string_agg("username", ' / ')`,
  },
  {
    table: 'applications',
    index: 'IDX_applications_name_lower',
    on: '(lower("name" COLLATE "C"))',
    key: 'lower("name" COLLATE "C")',
    show: `string_agg("name", ' / ')`,
  },
  {
    table: 'switches',
    index: 'IDX_switches_name_lower',
    on: '(lower("name" COLLATE "C"))',
    key: 'lower("name" COLLATE "C")',
    show: `string_agg("name", ' / ')`,
  },
  {
    table: 'dns',
    index: 'IDX_dns_switch_number_lower',
    on: '("switch_name", lower("number" COLLATE "C"))',
    key: '"switch_name", lower("number" COLLATE "C")',
    show: `min("switch_name") || ': ' || string_agg("number", ' / ')`,
  },
] as const;

/**
 * The case-insensitive name indexes of 1763770000009 used lower(name), which folds by the database's locale: under
 * a Unicode-aware one (the postgres image's en_US.utf8, C.utf8, ICU) lower('SİPServer_A') is 'sipserver_a' while
 * JavaScript's 'SİPServer_A'.toLowerCase() is 'si̇pserver_a' (U+0130 lower-cases to i + U+0307, Unicode
 * SpecialCasing.txt), and the final-sigma rule differs too: the control plane (contracts/names.ts) accepted a name
 * the index then refused, a 500. Under tr_TR lower('I') is 'ı', so the index missed `Ivan` next to `ivan`.
 *
 * lower(x COLLATE "C") folds A-Z only, whatever the locale: two names it makes equal are equal for
 * contracts/names.ts too, so the database never refuses what the control plane accepted, and it still holds the
 * rule for the names people type (ASCII) under concurrent writes; the other case pairs are refused by the control
 * plane's own check (configuration changes run under the head lock). A table holding clashing names keeps no index,
 * as in 1763770000009.
 */
export class LocaleIndependentNameIndexes1763770000010 implements MigrationInterface {
  name = 'LocaleIndependentNameIndexes1763770000010';

  async up(q: QueryRunner): Promise<void> {
    for (const ix of INDEXES) {
      await q.query(`DROP INDEX IF EXISTS "${ix.index}"`);
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
