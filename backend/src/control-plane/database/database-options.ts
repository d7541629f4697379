import { resolve } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities.js';

// Compiled layout: dist/backend/src/control-plane/database -> dist/migrations (see tsconfig rootDir "..").
const MIGRATIONS_GLOB = resolve(import.meta.dirname, '../../../../migrations/*.js');

/** One definition of how we talk to PostgreSQL: used by the app and by the TypeORM CLI. `synchronize` is never on. */
export function databaseOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    extra: { max: 20, connectionTimeoutMillis: 5000 },
  };
}
