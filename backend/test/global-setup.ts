import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { EmbeddedPostgres } from '../src/control-plane/database/embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    postgresMode: 'embedded' | 'external';
  }
}

/**
 * One real PostgreSQL for the whole integration run: the server of DATABASE_URL when set,
 * else an embedded one in a temporary DATA_DIR. Each test file creates its own database on it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DATABASE_URL;
  if (external) {
    project.provide('postgresAdminUrl', external);
    project.provide('postgresMode', 'external');
    return async () => undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sipedge-it-pg-'));
  const pg = new EmbeddedPostgres(dir);
  const url = await pg.start('postgres');
  project.provide('postgresAdminUrl', url);
  project.provide('postgresMode', 'embedded');
  return async () => {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
