import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { databaseOptions } from './database-options.js';
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
      imports: [TypeOrmModule.forRoot({ ...databaseOptions(info.url), migrationsRun: true, retryAttempts: 3, retryDelay: 1000 })],
      providers: [{ provide: DATABASE_INFO, useValue: info }, Notifications],
      exports: [DATABASE_INFO, Notifications],
    };
  }
}
