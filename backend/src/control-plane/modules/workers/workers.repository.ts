import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { WorkerReport } from '../../../contracts/worker-protocol.js';
import { WorkerStateEntity, WorkerTokenEntity } from './worker.entities.js';

export const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');

@Injectable()
export class WorkersRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** A new token for `app`; the clear text is returned once and never stored. */
  async createToken(app: string, kind: 'embedded' | 'remote', createdBy: string): Promise<{ id: string; token: string }> {
    const token = `swt_${randomBytes(32).toString('base64url')}`;
    const row = await this.ds.getRepository(WorkerTokenEntity).save({ app, kind, tokenHash: hashToken(token), createdBy });
    return { id: row.id, token };
  }

  findToken(token: string): Promise<WorkerTokenEntity | null> {
    return this.ds
      .getRepository(WorkerTokenEntity)
      .createQueryBuilder('t')
      .where('t.token_hash = :h AND t.revoked_at IS NULL', { h: hashToken(token) })
      .getOne();
  }

  async touchToken(id: string): Promise<void> {
    await this.ds.query('UPDATE worker_tokens SET last_used_at = now() WHERE id = $1', [id]);
  }

  listTokens(): Promise<WorkerTokenEntity[]> {
    return this.ds
      .getRepository(WorkerTokenEntity)
      .createQueryBuilder('t')
      .where('t.revoked_at IS NULL')
      .orderBy('t.app')
      .addOrderBy('t.created_at', 'DESC')
      .getMany();
  }

  async revokeToken(id: string): Promise<boolean> {
    const r = await this.ds.query<unknown[]>(
      'UPDATE worker_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id',
      [id],
    );
    return (Array.isArray(r[0]) ? (r[0] as unknown[]).length : r.length) > 0;
  }

  /** Revokes every live token whose application is not in `apps` (deleted from the configuration); returns their apps. */
  async revokeTokensOfRemovedApps(apps: string[]): Promise<string[]> {
    const r = await this.ds.query<unknown[]>(
      'UPDATE worker_tokens SET revoked_at = now() WHERE revoked_at IS NULL AND NOT (app = ANY($1::text[])) RETURNING app',
      [apps],
    );
    const rows = (Array.isArray(r[0]) ? r[0] : r) as { app: string }[];
    return [...new Set(rows.map((x) => x.app))];
  }

  async revokeEmbedded(app: string): Promise<void> {
    await this.ds.query("UPDATE worker_tokens SET revoked_at = now() WHERE app = $1 AND kind = 'embedded' AND revoked_at IS NULL", [app]);
  }

  async saveState(report: WorkerReport, replica: string): Promise<void> {
    await this.ds.query(
      `INSERT INTO worker_states (app, instance_id, replica, last_seen_at, report) VALUES ($1, $2, $3, now(), $4)
      ON CONFLICT (app, instance_id) DO UPDATE SET replica = EXCLUDED.replica, last_seen_at = now(), report = EXCLUDED.report`,
      [report.app, report.instanceId, replica, JSON.stringify(report)],
    );
  }

  /** States reported within `withinMs` (to any replica), newest per instance. */
  recentStates(withinMs: number): Promise<WorkerStateEntity[]> {
    return this.ds
      .getRepository(WorkerStateEntity)
      .createQueryBuilder('s')
      .where(`s.last_seen_at > now() - (:ms || ' milliseconds')::interval`, { ms: String(withinMs) })
      .getMany();
  }

  /** Deletes the states last reported more than `olderThanMs` ago; returns how many. */
  async pruneStates(olderThanMs: number): Promise<number> {
    const r = await this.ds.query<unknown[]>(
      `DELETE FROM worker_states WHERE last_seen_at < now() - ($1 || ' milliseconds')::interval RETURNING app`,
      [String(olderThanMs)],
    );
    return (Array.isArray(r[0]) ? (r[0] as unknown[]) : r).length;
  }
}
