/**
 * The schema of a worker report (worker-protocol.ts `WorkerReport`), with the limits the control plane holds a
 * token holder to: every string bounded and free of control characters, every list counted, numbers finite, and
 * alarms limited to the events a worker raises, each with the catalogue's own name. A report outside it is refused
 * whole (400), so nothing it carries reaches alarms, the service state or the database.
 */
import { z } from 'zod';
import { LOG_EVENTS, type LogEventId } from './log-events.js';

// C0/C1 controls and bidi overrides would let a report forge lines in logs or reorder text in the UI.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !UNSAFE.test(s), 'must not contain control or bidi characters');
const timestamp = z
  .string()
  .max(40)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time');
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const port = z.number().int().min(0).max(65535);

/** What a worker may raise: 40001 (HA pair out of service) and the start failures; 40002 is the control plane's. */
export const WORKER_ALARM_EVENTS: readonly LogEventId[] = [40000, 40001, 40003, 40005, 40006, 40007];

export const REPORT_LIMITS = {
  listeners: 32,
  pairs: 256,
  serversPerPair: 8,
  historyPerPair: 100,
  alarms: 64,
  notes: 64,
  counters: 64,
  restartOptions: 256,
} as const;

const alarm = z
  .object({
    key: text(255).min(1),
    event: z
      .number()
      .int()
      .refine(
        (e) => (WORKER_ALARM_EVENTS as readonly number[]).includes(e),
        `must be one of the events a worker raises (${WORKER_ALARM_EVENTS.join(', ')})`,
      ),
    eventName: text(64),
    severity: z.enum(['critical', 'major', 'minor', 'warning']),
    reason: text(1000),
    trigger: text(64).optional(),
    since: timestamp,
  })
  .refine((a) => LOG_EVENTS[a.event as LogEventId]?.name === a.eventName, {
    message: 'eventName must be the catalogue name of event',
    path: ['eventName'],
  });

const server = z.object({
  role: text(32),
  name: text(255),
  host: text(255),
  port,
  lastProbeAt: timestamp.optional(),
  lastRttMs: z.number().finite().min(0).optional(),
  lastCode: z.number().int().min(0).max(999).optional(),
  up: z.boolean().optional(),
  standby: z.boolean().optional(),
  lastSeenAt: timestamp.optional(),
  adminOutOfService: z.boolean().optional(),
});

const pair = z.object({
  name: text(255),
  serving: z.boolean(),
  state: z.enum(['primary-active', 'backup-active', 'out-of-service', 'unknown']),
  since: timestamp,
  servers: z.array(server).max(REPORT_LIMITS.serversPerPair),
  history: z
    .array(
      z.object({
        at: timestamp,
        from: text(64),
        to: text(64),
        trigger: text(64),
        server: text(255).optional(),
        code: z.number().int().min(0).max(999).optional(),
        rttMs: z.number().finite().min(0).optional(),
      }),
    )
    .max(REPORT_LIMITS.historyPerPair),
});

export const workerReportSchema = z.object({
  protocol: z.number().int(),
  app: text(255).min(1),
  instanceId: text(64).min(1),
  pid: count,
  hostname: text(255),
  startedAt: timestamp,
  configVersion: count.optional(),
  effectiveVersion: text(128).optional(),
  restartPending: z.object({ configVersion: count, options: z.array(text(128)).max(REPORT_LIMITS.restartOptions) }).optional(),
  refused: z.object({ configVersion: count, reason: text(2000) }).optional(),
  running: z.boolean(),
  listeners: z.array(z.object({ transport: text(8), address: text(64), port })).max(REPORT_LIMITS.listeners),
  pairs: z.array(pair).max(REPORT_LIMITS.pairs),
  alarms: z.array(alarm).max(REPORT_LIMITS.alarms),
  counters: z
    .record(text(64), z.number().finite())
    .refine((c) => Object.keys(c).length <= REPORT_LIMITS.counters, `at most ${REPORT_LIMITS.counters} counters`),
  connections: count,
  notes: z.array(text(500)).max(REPORT_LIMITS.notes),
  admin: z
    .object({ state: z.enum(['active', 'drained', 'stopped']), activeDialogs: count, flows: count, rejectedDraining: count })
    .optional(),
});
