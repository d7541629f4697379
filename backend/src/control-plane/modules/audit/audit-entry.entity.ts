import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who did what, when: every write through the API (configuration, users, workers). */
@Entity('audit_log')
export class AuditEntryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Index() @CreateDateColumn({ type: 'timestamptz' }) at: Date;
  @Column({ type: 'varchar', length: 64 }) actor: string;
  @Column({ type: 'varchar', length: 64 }) action: string;
  /** The request path (or `configuration vN`): exact, but may name the object by id. */
  @Column({ type: 'varchar', length: 500 }) target: string;
  /** What the target was called when the entry was written (`user alice`), so it still reads well once deleted. */
  @Column({ name: 'target_label', type: 'varchar', length: 500, nullable: true }) targetLabel: string | null;
  @Column({ name: 'config_version', type: 'int', nullable: true }) configVersion: number | null;
  @Column({ type: 'jsonb', nullable: true }) detail: unknown;
}
