import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsers1763770000000 implements MigrationInterface {
  name = 'CreateUsers1763770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "users" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "username" varchar(64) NOT NULL,
      "password_hash" varchar(255) NOT NULL,
      "role" varchar(16) NOT NULL CHECK ("role" IN ('admin','operator','viewer')),
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_users" PRIMARY KEY ("id"),
      CONSTRAINT "UQ_users_username" UNIQUE ("username"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "users"`);
  }
}
