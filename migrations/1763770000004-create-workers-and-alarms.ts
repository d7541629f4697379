import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Worker tokens (hashed), the last reported state of each worker, and alarms with their history. */
export class CreateWorkersAndAlarms1763770000004 implements MigrationInterface {
  name = 'CreateWorkersAndAlarms1763770000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "worker_tokens" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "app" varchar(255) NOT NULL,
      "kind" varchar(16) NOT NULL CHECK ("kind" IN ('embedded','remote')),
      "token_hash" varchar(64) NOT NULL,
      "created_by" varchar(64) NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "last_used_at" timestamptz,
      "revoked_at" timestamptz)`);
    await q.query(`CREATE UNIQUE INDEX "IDX_worker_tokens_hash" ON "worker_tokens" ("token_hash")`);
    await q.query(`CREATE TABLE "worker_states" (
      "app" varchar(255) NOT NULL,
      "instance_id" varchar(64) NOT NULL,
      "replica" varchar(64) NOT NULL,
      "last_seen_at" timestamptz NOT NULL,
      "report" jsonb NOT NULL,
      PRIMARY KEY ("app", "instance_id"))`);
    await q.query(`CREATE TABLE "alarms" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "key" varchar(255) NOT NULL,
      "event_id" int,
      "event_name" varchar(64),
      "severity" varchar(16) NOT NULL,
      "source" varchar(255) NOT NULL,
      "reason" text NOT NULL,
      "trigger" varchar(64),
      "raised_at" timestamptz NOT NULL DEFAULT now(),
      "cleared_at" timestamptz,
      "acknowledged_by" varchar(64),
      "acknowledged_at" timestamptz)`);
    // One active alarm per cause; cleared ones stay as history.
    await q.query(`CREATE UNIQUE INDEX "IDX_alarms_active_key" ON "alarms" ("key") WHERE "cleared_at" IS NULL`);
    await q.query(`CREATE INDEX "IDX_alarms_raised_at" ON "alarms" ("raised_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['alarms', 'worker_states', 'worker_tokens']) await q.query(`DROP TABLE "${t}"`);
  }
}
