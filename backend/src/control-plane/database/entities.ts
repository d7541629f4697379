import { AuditEntryEntity } from '../modules/audit/audit-entry.entity.js';
import { SessionEntity } from '../modules/auth/session.entity.js';
import {
  ApplicationEntity,
  ConfigHeadEntity,
  ConfigVersionEntity,
  DnEntity,
  SwitchEntity,
} from '../modules/configuration/config.entities.js';
import { UserEntity } from '../modules/users/user.entity.js';
import { AlarmEntity } from '../modules/alarms/alarm.entity.js';
import { AdminStateEntity, WorkerStateEntity, WorkerTokenEntity } from '../modules/workers/worker.entities.js';

/** Every entity, listed once: the data source and the Nest module share this list. */
export const ENTITIES = [
  UserEntity,
  SessionEntity,
  ApplicationEntity,
  SwitchEntity,
  DnEntity,
  ConfigVersionEntity,
  ConfigHeadEntity,
  AuditEntryEntity,
  AlarmEntity,
  WorkerTokenEntity,
  WorkerStateEntity,
  AdminStateEntity,
];
