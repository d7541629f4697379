import { Inject, Injectable, Optional } from '@nestjs/common';
import { DATABASE_INFO, type DatabaseInfo } from '../../database/database-info.js';
import { HealthRepository } from './health.repository.js';

export const WORKER_HEALTH = Symbol('WORKER_HEALTH');
export interface WorkerHealthSource {
  workers(): { id: string; app: string; online: boolean; configVersion?: number; restartPending?: boolean }[];
}

export interface Health {
  status: 'ok' | 'degraded';
  database: { mode: 'embedded' | 'external'; up: boolean; version?: string; latencyMs?: number };
  workers: ReturnType<WorkerHealthSource['workers']>;
  uptimeSeconds: number;
}

@Injectable()
export class HealthService {
  constructor(
    private readonly repo: HealthRepository,
    @Inject(DATABASE_INFO) private readonly db: DatabaseInfo,
    @Optional() @Inject(WORKER_HEALTH) private readonly workerSource?: WorkerHealthSource,
  ) {}

  async check(): Promise<Health> {
    const database = { mode: this.db.mode, ...(await this.repo.ping()) };
    const workers = this.workerSource?.workers() ?? [];
    const ok = database.up && workers.every((w) => w.online);
    return { status: ok ? 'ok' : 'degraded', database, workers, uptimeSeconds: Math.round(process.uptime()) };
  }
}
