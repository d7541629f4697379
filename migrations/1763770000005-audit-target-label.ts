import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A human-readable name of what an audit entry acted on (user alice, application SIPProxy_1, DN 1001 on switch
 * SiteA), captured when the entry is written: the request path may name it only by id, and a deleted object can no
 * longer be looked up. Older entries keep NULL and are shown by their path.
 */
export class AuditTargetLabel1763770000005 implements MigrationInterface {
  name = 'AuditTargetLabel1763770000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "audit_log" ADD COLUMN "target_label" varchar(500)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "audit_log" DROP COLUMN "target_label"`);
  }
}
