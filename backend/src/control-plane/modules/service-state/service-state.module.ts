import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { WorkersModule } from '../workers/workers.module.js';
import { ServiceStateController } from './service-state.controller.js';

@Module({ imports: [WorkersModule, AuthModule], controllers: [ServiceStateController] })
export class ServiceStateModule {}
