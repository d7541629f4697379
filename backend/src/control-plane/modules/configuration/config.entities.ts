import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { ConfigDocument, OptionSections } from '../../../contracts/config-document.js';
import type { DocumentChange } from './document-diff.js';
import type { DocumentDelta } from './document-delta.js';

/** One row per application; `revision` is the configuration version in which it last changed (optimistic concurrency). */
@Entity('applications')
export class ApplicationEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 255 }) name: string;
  @Column({ type: 'varchar', length: 32 }) type: string;
  @Column({ type: 'varchar', length: 255, nullable: true }) host: string | null;
  @Column({ type: 'jsonb', default: {} }) ports: Record<string, number>;
  @Column({ type: 'varchar', length: 255, nullable: true }) backup: string | null;
  @Column({ type: 'jsonb', default: {} }) options: OptionSections;
  @Column({ type: 'int' }) position: number;
  @Column({ type: 'int' }) revision: number;
}

@Entity('switches')
export class SwitchEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 255 }) name: string;
  @Column({ name: 'sip_server', type: 'varchar', length: 255, nullable: true }) sipServer: string | null;
  @Column({ type: 'int' }) position: number;
  @Column({ type: 'int' }) revision: number;
}

@Entity('dns')
@Index(['switchName', 'number'], { unique: true })
export class DnEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'switch_name', type: 'varchar', length: 255 }) switchName: string;
  @Column({ type: 'varchar', length: 255 }) number: string;
  @Index() @Column({ type: 'varchar', length: 32 }) type: string;
  @Column({ type: 'jsonb', default: {} }) options: OptionSections;
  @Column({ type: 'int' }) position: number;
  @Column({ type: 'int' }) revision: number;
}

/**
 * Every committed change: what changed (for reading: `changes`; for rebuilding: `delta`, exact, from the version
 * before), who and why. Every `SNAPSHOT_EVERY`th version or so (document-delta.ts) also keeps the whole document;
 * any version is that snapshot plus the deltas after it (ConfigRepository.documentAt).
 */
@Entity('config_versions')
export class ConfigVersionEntity {
  @PrimaryColumn({ type: 'int' }) version: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'varchar', length: 64 }) author: string;
  @Column({ type: 'varchar', length: 500 }) summary: string;
  @Column({ type: 'jsonb', nullable: true }) document: ConfigDocument | null;
  @Column({ type: 'jsonb', nullable: true }) delta: DocumentDelta | null;
  @Column({ name: 'document_bytes', type: 'int', nullable: true }) documentBytes: number | null;
  @Column({ name: 'delta_bytes', type: 'int' }) deltaBytes: number;
  @Column({ type: 'jsonb' }) changes: DocumentChange[];
  @Column({ name: 'change_count', type: 'int' }) changeCount: number;
}

/** A single row holding the current version: locked FOR UPDATE by every write, so writes are serialized. */
@Entity('config_head')
export class ConfigHeadEntity {
  @PrimaryColumn({ type: 'int' }) id: number;
  @Column({ type: 'int' }) version: number;
}
