import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSessions1763770000001 implements MigrationInterface {
  name = 'CreateSessions1763770000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "sessions" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "token_hash" varchar(64) NOT NULL,
      "csrf_token" varchar(64) NOT NULL,
      "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      "expires_at" timestamptz NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_sessions" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_sessions_token_hash" ON "sessions" ("token_hash")`);
    await q.query(`CREATE INDEX "IDX_sessions_expires_at" ON "sessions" ("expires_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "sessions"`);
  }
}
