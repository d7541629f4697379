import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ENV, type Env } from './config/env.js';
import { DatabaseModule, type DatabaseInfo } from './database/database.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { UsersModule } from './modules/users/users.module.js';

@Global()
@Module({})
class EnvModule {
  static forRoot(env: Env): DynamicModule { return { module: EnvModule, providers: [{ provide: ENV, useValue: env }], exports: [ENV] }; }
}

@Module({})
export class AppModule {
  static forRoot(env: Env, db: DatabaseInfo): DynamicModule {
    return {
      module: AppModule,
      imports: [EnvModule.forRoot(env), DatabaseModule.forRoot(db), UsersModule, AuthModule, HealthModule],
    };
  }
}
