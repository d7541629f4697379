import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Applications, switches and DNs (options as JSONB by section), the version history and its head. */
export class CreateConfiguration1763770000002 implements MigrationInterface {
  name = 'CreateConfiguration1763770000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "applications" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "name" varchar(255) NOT NULL,
      "type" varchar(32) NOT NULL,
      "host" varchar(255),
      "ports" jsonb NOT NULL DEFAULT '{}',
      "backup" varchar(255),
      "options" jsonb NOT NULL DEFAULT '{}',
      "position" int NOT NULL,
      "revision" int NOT NULL)`);
    await q.query(`CREATE UNIQUE INDEX "IDX_applications_name" ON "applications" ("name")`);
    await q.query(`CREATE TABLE "switches" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "name" varchar(255) NOT NULL,
      "sip_server" varchar(255),
      "position" int NOT NULL,
      "revision" int NOT NULL)`);
    await q.query(`CREATE UNIQUE INDEX "IDX_switches_name" ON "switches" ("name")`);
    await q.query(`CREATE TABLE "dns" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "switch_name" varchar(255) NOT NULL,
      "number" varchar(255) NOT NULL,
      "type" varchar(32) NOT NULL,
      "options" jsonb NOT NULL DEFAULT '{}',
      "position" int NOT NULL,
      "revision" int NOT NULL)`);
    await q.query(`CREATE UNIQUE INDEX "IDX_dns_switch_number" ON "dns" ("switch_name", "number")`);
    await q.query(`CREATE INDEX "IDX_dns_type" ON "dns" ("type")`);
    await q.query(`CREATE TABLE "config_versions" (
      "version" int NOT NULL PRIMARY KEY,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "author" varchar(64) NOT NULL,
      "summary" varchar(500) NOT NULL,
      "document" jsonb NOT NULL,
      "changes" jsonb NOT NULL,
      "change_count" int NOT NULL)`);
    await q.query(`CREATE TABLE "config_head" ("id" int NOT NULL PRIMARY KEY, "version" int NOT NULL)`);
    await q.query(`INSERT INTO "config_head" ("id", "version") VALUES (1, 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['config_head', 'config_versions', 'dns', 'switches', 'applications']) await q.query(`DROP TABLE "${t}"`);
  }
}
