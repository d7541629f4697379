import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { ConfigDocument, OptionSections } from '../../../contracts/config-document.js';
import type { DocumentChange } from './document-diff.js';

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

/** Every committed change: the whole document after it, what changed, who and why. */
@Entity('config_versions')
export class ConfigVersionEntity {
  @PrimaryColumn({ type: 'int' }) version: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'varchar', length: 64 }) author: string;
  @Column({ type: 'varchar', length: 500 }) summary: string;
  @Column({ type: 'jsonb' }) document: ConfigDocument;
  @Column({ type: 'jsonb' }) changes: DocumentChange[];
  @Column({ name: 'change_count', type: 'int' }) changeCount: number;
}

/** A single row holding the current version: locked FOR UPDATE by every write, so writes are serialized. */
@Entity('config_head')
export class ConfigHeadEntity {
  @PrimaryColumn({ type: 'int' }) id: number;
  @Column({ type: 'int' }) version: number;
}
