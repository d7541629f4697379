import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators' administrative states (drained or stopped SIP Proxy applications, SIP Servers forced out of service):
 * operations, not configuration, so they are neither versioned nor exported, but they must outlive restarts of the
 * workers and of the control plane. One row per object that was ever set; `active` rows keep who cleared it, when.
 */
export class AdminStates1764770000000 implements MigrationInterface {
  name = 'AdminStates1764770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "admin_states" (
      "kind" varchar(16) NOT NULL CHECK ("kind" IN ('application', 'sip-server')),
      "name" varchar(255) NOT NULL,
      "state" varchar(16) NOT NULL CHECK ("state" IN ('active', 'drained', 'stopped', 'out-of-service')),
      "changed_by" varchar(64) NOT NULL,
      "changed_at" timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY ("kind", "name"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "admin_states"`);
  }
}
