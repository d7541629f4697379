import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type Severity = 'critical' | 'major' | 'minor' | 'warning';

/** An alarm: active while `clearedAt` is null; the key names its cause (one active alarm per cause). */
@Entity('alarms')
export class AlarmEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 255 }) key: string;
  @Column({ name: 'event_id', type: 'int', nullable: true }) eventId: number | null;
  @Column({ name: 'event_name', type: 'varchar', length: 64, nullable: true }) eventName: string | null;
  @Column({ type: 'varchar', length: 16 }) severity: Severity;
  @Column({ type: 'varchar', length: 255 }) source: string;
  @Column({ type: 'text' }) reason: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) trigger: string | null;
  @Column({ name: 'raised_at', type: 'timestamptz' }) raisedAt: Date;
  @Column({ name: 'cleared_at', type: 'timestamptz', nullable: true }) clearedAt: Date | null;
  @Column({ name: 'acknowledged_by', type: 'varchar', length: 64, nullable: true }) acknowledgedBy: string | null;
  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true }) acknowledgedAt: Date | null;
}
