import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DatabaseState } from '../../database/database-state.js';
import { AlarmsService } from './alarms.service.js';

export const DATABASE_ALARM_KEY = 'database-unavailable';

/**
 * A critical alarm for as long as PostgreSQL is away. Raised while the database cannot store it, so AlarmsService
 * keeps it (with the time the outage began) and writes it, then its clearing, once the database is back: the
 * history shows every outage with its start and end.
 */
@Injectable()
export class DatabaseAlarm implements OnModuleInit {
  constructor(
    private readonly state: DatabaseState,
    private readonly alarms: AlarmsService,
  ) {}

  onModuleInit(): void {
    this.state.onChange(({ up, reason, since }) => {
      if (up) void this.alarms.clear(DATABASE_ALARM_KEY);
      else
        void this.alarms.raise({
          key: DATABASE_ALARM_KEY,
          severity: 'critical',
          source: 'control-plane',
          reason: `PostgreSQL is unavailable: ${reason}`,
          trigger: 'database',
          raisedAt: since,
        });
    });
  }
}
