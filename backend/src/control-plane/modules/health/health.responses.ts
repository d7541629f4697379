import { z } from 'zod';
import { declareResponse } from '../../common/response-schemas.js';

export const WorkerHealth = declareResponse(
  'WorkerHealth',
  z.object({
    id: z.string(),
    app: z.string(),
    online: z.boolean(),
    configVersion: z.number().int().optional(),
    restartPending: z.boolean().optional(),
  }),
);

/** GET /api/health: 200 when the database answers, 503 otherwise, with the same body. */
export const HealthResponse = declareResponse(
  'HealthResponse',
  z.object({
    /** 'ok' when the database is up and every worker online. */
    status: z.enum(['ok', 'degraded']),
    database: z.object({
      mode: z.enum(['embedded', 'external']),
      up: z.boolean(),
      version: z.string().optional(),
      latencyMs: z.number().optional(),
    }),
    workers: z.array(WorkerHealth.schema),
    uptimeSeconds: z.number().int(),
  }),
);
