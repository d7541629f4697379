import { Global, Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { logParams } from './common/app-logger.js';
import { ENV, type Env } from './config/env.js';
import { DatabaseModule, type DatabaseInfo } from './database/database.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { UsersModule } from './modules/users/users.module.js';
import { ApplicationsModule } from './modules/applications/applications.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { ConfigurationModule } from './modules/configuration/configuration.module.js';
import { DnsModule } from './modules/dns/dns.module.js';
import { OptionsModule } from './modules/options/options.module.js';
import { SwitchesModule } from './modules/switches/switches.module.js';
import { TrunksModule } from './modules/trunks/trunks.module.js';
import { SitesModule } from './modules/sites/sites.module.js';
import { AlarmsModule } from './modules/alarms/alarms.module.js';
import { LiveModule } from './modules/live/live.module.js';
import { ServiceStateModule } from './modules/service-state/service-state.module.js';
import { WorkersModule } from './modules/workers/workers.module.js';
import { SearchModule } from './modules/search/search.module.js';
import { MetricsModule } from './modules/metrics/metrics.module.js';
import { CertificatesModule } from './modules/certificates/certificates.module.js';

@Global()
@Module({})
class EnvModule {
  static forRoot(env: Env): DynamicModule {
    return { module: EnvModule, providers: [{ provide: ENV, useValue: env }], exports: [ENV] };
  }
}

@Module({})
export class AppModule {
  static forRoot(env: Env, db: DatabaseInfo): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EnvModule.forRoot(env),
        LoggerModule.forRoot(logParams(env.logLevel)),
        DatabaseModule.forRoot(db),
        UsersModule,
        AuthModule,
        HealthModule,
        AuditModule,
        ConfigurationModule,
        OptionsModule,
        ApplicationsModule,
        SwitchesModule,
        DnsModule,
        TrunksModule,
        SitesModule,
        LiveModule,
        AlarmsModule,
        WorkersModule,
        ServiceStateModule,
        SearchModule,
        CertificatesModule,
        MetricsModule,
      ],
    };
  }
}
