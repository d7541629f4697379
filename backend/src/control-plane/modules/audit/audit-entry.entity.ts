import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who did what, when: every write through the API (configuration, users, workers). */
@Entity('audit_log')
export class AuditEntryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Index() @CreateDateColumn({ type: 'timestamptz' }) at: Date;
  @Column({ type: 'varchar', length: 64 }) actor: string;
  @Column({ type: 'varchar', length: 64 }) action: string;
  @Column({ type: 'varchar', length: 500 }) target: string;
  @Column({ name: 'config_version', type: 'int', nullable: true }) configVersion: number | null;
  @Column({ type: 'jsonb', nullable: true }) detail: unknown;
}
