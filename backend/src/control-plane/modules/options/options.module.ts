import { Module } from '@nestjs/common';
import { OptionsController } from './options.controller.js';

@Module({ controllers: [OptionsController] })
export class OptionsModule {}
