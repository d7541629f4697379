import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlarmEntity } from './alarm.entity.js';
import { AlarmsController } from './alarms.controller.js';
import { AlarmsRepository } from './alarms.repository.js';
import { AlarmsService } from './alarms.service.js';
import { DatabaseAlarm } from './database-alarm.js';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AlarmEntity])],
  controllers: [AlarmsController],
  providers: [AlarmsRepository, AlarmsService, DatabaseAlarm],
  exports: [AlarmsService],
})
export class AlarmsModule {}
