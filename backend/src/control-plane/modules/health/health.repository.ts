import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

@Injectable()
export class HealthRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Round trip to PostgreSQL; false when it does not answer within `timeoutMs`. */
  async ping(timeoutMs = 2000): Promise<{ up: boolean; version?: string; latencyMs?: number }> {
    const start = performance.now();
    try {
      const rows = await Promise.race([
        this.ds.query<{ v: string }[]>("SELECT current_setting('server_version') AS v"),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
      ]);
      return { up: true, version: rows[0]?.v, latencyMs: Math.round((performance.now() - start) * 10) / 10 };
    } catch {
      return { up: false };
    }
  }
}
