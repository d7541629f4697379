import { randomUUID } from 'node:crypto';

/** This control-plane process among the replicas sharing one PostgreSQL (to ignore our own notifications). */
export const REPLICA_ID = randomUUID();
