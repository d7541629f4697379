import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WORKER_HEALTH } from '../health/health.service.js';
import { EmbeddedSupervisor } from './embedded-supervisor.js';
import { LivenessWatchdog } from './liveness-watchdog.service.js';
import { ReportIntakeService } from './report-intake.service.js';
import { RestartFanoutService } from './restart-fanout.service.js';
import { ServiceStateService } from './service-state.service.js';
import { SnapshotStreamService } from './snapshot-stream.service.js';
import { WorkerChannelController } from './worker-channel.controller.js';
import { WorkerRegistry } from './worker-registry.js';
import { WorkerTokensService } from './worker-tokens.service.js';
import { AdminStateEntity, WorkerStateEntity, WorkerTokenEntity } from './worker.entities.js';
import { AdminStateController } from './admin-state.controller.js';
import { AdminStatesService } from './admin-states.service.js';
import { WorkersController } from './workers.controller.js';
import { RoutePreviewController } from './route-preview.controller.js';
import { TraceController } from './trace.controller.js';
import { WorkerQueryService } from './worker-query.service.js';
import { WorkersRepository } from './workers.repository.js';

@Module({
  imports: [TypeOrmModule.forFeature([WorkerTokenEntity, WorkerStateEntity, AdminStateEntity])],
  controllers: [WorkerChannelController, WorkersController, AdminStateController, RoutePreviewController, TraceController],
  providers: [
    WorkersRepository,
    WorkerRegistry,
    AdminStatesService,
    WorkerTokensService,
    LivenessWatchdog,
    SnapshotStreamService,
    ReportIntakeService,
    RestartFanoutService,
    ServiceStateService,
    EmbeddedSupervisor,
    WorkerQueryService,
    {
      provide: WORKER_HEALTH,
      useFactory: (s: ServiceStateService) => ({ workers: () => s.healthWorkers() }),
      inject: [ServiceStateService],
    },
  ],
  exports: [ServiceStateService, EmbeddedSupervisor, WORKER_HEALTH],
})
export class WorkersModule {}
