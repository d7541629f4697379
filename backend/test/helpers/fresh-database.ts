/**
 * A fresh database on a running PostgreSQL server: the one helper the backend integration tests (on the run's
 * server, test/global-setup.ts) and the browser journeys (e2e/fixtures/product.ts) create their databases with.
 * Imports nothing but `pg`, so e2e can use it as it is.
 */
import pg from 'pg';

/** Creates an empty database named `<prefix>_<time>_<random>` (`createOptions`: e.g. its locale); returns its URL. */
export async function freshDatabase(adminUrl: string, prefix = 'it', createOptions = ''): Promise<string> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}" ${createOptions}`);
  } finally {
    await client.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
