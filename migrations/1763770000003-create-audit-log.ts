import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditLog1763770000003 implements MigrationInterface {
  name = 'CreateAuditLog1763770000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "audit_log" (
      "id" bigserial PRIMARY KEY,
      "at" timestamptz NOT NULL DEFAULT now(),
      "actor" varchar(64) NOT NULL,
      "action" varchar(64) NOT NULL,
      "target" varchar(500) NOT NULL,
      "config_version" int,
      "detail" jsonb)`);
    await q.query(`CREATE INDEX "IDX_audit_log_at" ON "audit_log" ("at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_log"`);
  }
}
