import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WORKER_HEALTH } from '../health/health.service.js';
import { EmbeddedSupervisor } from './embedded-supervisor.js';
import { WorkerChannelController } from './worker-channel.controller.js';
import { WorkerStateEntity, WorkerTokenEntity } from './worker.entities.js';
import { WorkersController } from './workers.controller.js';
import { WorkersRepository } from './workers.repository.js';
import { WorkerRegistry } from './worker-registry.js';
import { WorkersService } from './workers.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([WorkerTokenEntity, WorkerStateEntity])],
  controllers: [WorkerChannelController, WorkersController],
  providers: [WorkersRepository, WorkerRegistry, WorkersService, EmbeddedSupervisor, { provide: WORKER_HEALTH, useFactory: (w: WorkersService) => ({ workers: () => w.healthWorkers() }), inject: [WorkersService] }],
  exports: [WorkersService, EmbeddedSupervisor, WORKER_HEALTH],
})
export class WorkersModule {}
