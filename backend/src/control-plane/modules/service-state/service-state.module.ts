import { Module } from '@nestjs/common';
import { WorkersModule } from '../workers/workers.module.js';
import { ServiceStateController } from './service-state.controller.js';

@Module({ imports: [WorkersModule], controllers: [ServiceStateController] })
export class ServiceStateModule {}
