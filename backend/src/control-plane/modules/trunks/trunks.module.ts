import { Module } from '@nestjs/common';
import { TrunksController } from './trunks.controller.js';
import { TrunksService } from './trunks.service.js';

@Module({ controllers: [TrunksController], providers: [TrunksService] })
export class TrunksModule {}
