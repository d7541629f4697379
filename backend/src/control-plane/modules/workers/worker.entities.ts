import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { WorkerReport } from '../../../contracts/worker-protocol.js';

/** A worker's credential: only its SHA-256 is stored. Embedded tokens are made per start; remote ones by an admin. */
@Entity('worker_tokens')
export class WorkerTokenEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 255 }) app: string;
  @Column({ type: 'varchar', length: 16 }) kind: 'embedded' | 'remote';
  @Column({ name: 'token_hash', type: 'varchar', length: 64 }) tokenHash: string;
  @Column({ name: 'created_by', type: 'varchar', length: 64 }) createdBy: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true }) lastUsedAt: Date | null;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt: Date | null;
}

/** The last report of each worker instance, so every control-plane replica can show every worker. */
@Entity('worker_states')
export class WorkerStateEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 }) app: string;
  @PrimaryColumn({ name: 'instance_id', type: 'varchar', length: 64 }) instanceId: string;
  @Column({ type: 'varchar', length: 64 }) replica: string;
  @Column({ name: 'last_seen_at', type: 'timestamptz' }) lastSeenAt: Date;
  @Column({ type: 'jsonb' }) report: WorkerReport;
}

export type AdminStateKind = 'application' | 'sip-server';

/** An operator's administrative state of one object (migration 1764770000000-admin-states). */
@Entity('admin_states')
export class AdminStateEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 }) kind: AdminStateKind;
  /** The object's name as the configuration spells it. */
  @PrimaryColumn({ type: 'varchar', length: 255 }) name: string;
  @Column({ type: 'varchar', length: 16 }) state: string;
  @Column({ name: 'changed_by', type: 'varchar', length: 64 }) changedBy: string;
  @Column({ name: 'changed_at', type: 'timestamptz', default: () => 'now()' }) changedAt: Date;
}
