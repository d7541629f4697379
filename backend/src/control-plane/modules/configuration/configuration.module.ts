import { Global, Module } from '@nestjs/common';
import { ConfigRepository } from './config.repository.js';
import { ConfigurationController } from './configuration.controller.js';
import { ConfigurationService } from './configuration.service.js';

/** The configuration store (versions, import/export); global because every configuration feature writes through it. */
@Global()
@Module({
  controllers: [ConfigurationController],
  providers: [ConfigRepository, ConfigurationService],
  exports: [ConfigRepository, ConfigurationService],
})
export class ConfigurationModule {}
