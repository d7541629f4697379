import { isIP } from 'node:net';
import { z } from 'zod';
import { parseRequest, parseUri } from '../../../sip/index.js';
import { objectName } from '../../common/fields.js';
import { declareSchema } from '../../common/validation.js';

/** A remote worker's token is for one SIP Proxy application, named as in the configuration. */
export const WorkerTokenCreateBody = declareSchema('WorkerTokenCreateBody', z.strictObject({ app: objectName }));

const headerText = (max: number) =>
  z
    .string()
    .min(1, 'is required (a non-empty string)')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/[\r\n\0]/.test(s), 'must not contain CR, LF or NUL');
const sipUri = headerText(1024).refine((s) => parseUri(s.replace(/^<|>$/g, '')) !== null, 'is not a SIP URI (sip:user@host:port)');

/** Where the previewed request comes from: the transport source address, port and transport. */
const PreviewSource = z.strictObject({
  address: z.string().refine((s) => isIP(s) !== 0, 'must be an IPv4 or IPv6 address'),
  port: z.number().int('must be a whole number').min(1).max(65535).default(5060),
  transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
});

/**
 * POST /api/route-preview: the SIP Proxy application to ask, where the request comes from, and the request as
 * fields (method, Request-URI, From; To, a To tag, Route optional) or pasted whole (`message`).
 */
export const RoutePreviewBody = declareSchema(
  'RoutePreviewBody',
  z
    .strictObject({
      app: objectName,
      source: PreviewSource,
      method: z
        .string()
        .regex(/^[A-Za-z]{1,32}$/, 'must be a SIP method (letters)')
        .transform((s) => s.toUpperCase())
        .optional(),
      requestUri: sipUri.optional(),
      from: sipUri.optional(),
      to: sipUri.optional(),
      toTag: z
        .string()
        .regex(/^[A-Za-z0-9.!%*_+`'~-]{1,64}$/, 'must be a tag (a SIP token)')
        .optional(),
      route: z.array(sipUri).max(10).optional(),
      message: z.string().min(1).max(65535, 'must be at most 65535 characters').optional(),
    })
    .superRefine((b, ctx) => {
      if (b.message !== undefined) {
        for (const k of ['method', 'requestUri', 'from', 'to', 'toTag', 'route'] as const) {
          if (b[k] !== undefined)
            ctx.addIssue({ code: 'custom', path: [k], message: 'give the request as fields or as message, not both' });
        }
        try {
          parseRequest(b.message);
        } catch (e) {
          ctx.addIssue({ code: 'custom', path: ['message'], message: (e as Error).message });
        }
        return;
      }
      for (const k of ['method', 'requestUri', 'from'] as const) {
        if (b[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'is required (or give the whole request as message)' });
      }
    }),
);

/** GET /api/workers/{id}/connections: filter and page. */
export const ConnectionsQuery = declareSchema(
  'ConnectionsQuery',
  z.strictObject({
    transport: z.enum(['tcp', 'tls', 'udp']).optional(),
    q: z.string().max(200).optional(),
    limit: z.coerce.number().int('must be a whole number').min(1).max(1000).default(100),
    offset: z.coerce.number().int('must be a whole number').min(0).max(1_000_000).default(0),
  }),
);

/** A connection id as the worker names them (`tcp-12`, `tls-3`). */
export const connectionIdParam = z.string().regex(/^(tcp|tls)-\d{1,12}$/, 'must be a connection id (tcp-N or tls-N)');

/** GET /api/trace: the application to ask and the filters (worker/trace/sip-trace.ts). */
const traceFilters = {
  app: objectName,
  q: z.string().max(256).optional(),
  callId: z.string().max(256).optional(),
};
export const TraceSearchQuery = declareSchema(
  'TraceSearchQuery',
  z.strictObject({
    ...traceFilters,
    after: z.coerce.number().int('must be a whole number').min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int('must be a whole number').min(1).max(1000).default(200),
  }),
);
export const TracePcapQuery = declareSchema('TracePcapQuery', z.strictObject(traceFilters));
