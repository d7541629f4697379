import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseOptions } from './database-options.js';
import { DatabaseState } from './database-state.js';
import { Notifications } from './notifications.js';

import { DATABASE_INFO, type DatabaseInfo } from './database-info.js';
export { DATABASE_INFO, type DatabaseInfo } from './database-info.js';

/** TypeORM on the server chosen in main (embedded or DATABASE_URL); migrations run at start-up. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(info: DatabaseInfo): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...databaseOptions(info.url), migrationsRun: false, retryAttempts: 3, retryDelay: 1000 }),
          dataSourceFactory: async (options) => migrated(new DataSource(options!)),
        }),
      ],
      providers: [{ provide: DATABASE_INFO, useValue: info }, Notifications, DatabaseState],
      exports: [DATABASE_INFO, Notifications, DatabaseState],
    };
  }
}

/** Any number for the advisory lock, the same in every replica. */
const MIGRATION_LOCK = 4_070_000_001;

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so replicas starting together migrate once, in turn.
 * The lock is taken on one dedicated connection (session locks belong to the connection).
 */
async function migrated(ds: DataSource): Promise<DataSource> {
  await ds.initialize();
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    await qr.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await qr.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await qr.release();
  }
  return ds;
}
