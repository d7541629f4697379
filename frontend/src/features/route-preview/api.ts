import { useMutation } from '@tanstack/react-query';
import { api } from '../../api/client';

/** Where the previewed request comes from (POST /api/route-preview `source`). */
export interface PreviewSource {
  address: string;
  port?: number;
  transport?: 'udp' | 'tcp' | 'tls';
}

/** The request as fields, or pasted whole as `message` (not both). */
export interface RoutePreviewRequest {
  app: string;
  source: PreviewSource;
  method?: string;
  requestUri?: string;
  from?: string;
  to?: string;
  message?: string;
}

export interface PreviewHop {
  host: string;
  port?: number;
  transport?: string;
}

/** The router's decision (sip/routing/router.ts `RoutingDecision`). */
export type PreviewDecision =
  | { kind: 'pair'; pair: string; role: 'primary' | 'backup'; target: PreviewHop }
  | { kind: 'hop'; target: PreviewHop; reason: 'extension' | 'trunk' | 'flow' | 'request-uri' }
  | { kind: 'reject'; status: number; reason: string; retryAfter?: number; pair?: string };

/** The relay policy's decision (sip/proxy/relay-policy.ts `RelayDecision`). */
export type PreviewRelay = { kind: 'allow'; why: string } | { kind: 'refuse'; status: number; reason: string; what: string };

/** The answer of POST /api/route-preview (sip/proxy/route-preview.ts `RoutePreview` + the worker that answered). */
export interface RoutePreviewAnswer {
  app: string;
  instanceId: string;
  outcome: 'forward' | 'refuse' | 'answer';
  status?: number;
  reason?: string;
  source?: { kind: 'sip-server'; pair: string; role: string } | { kind: 'trusted-network' } | { kind: 'endpoint' };
  decision?: PreviewDecision;
  pair?: {
    name: string;
    state: string;
    activeRole?: string;
    serving: boolean;
    server?: { role: string; name: string; host: string; port: number; transport: string };
  };
  flow?: { transport: string; host: string; port: number; connectionId?: string };
  relay?: PreviewRelay;
  dns?: { query: PreviewHop; candidates: { host: string; port: number; transport: string }[]; error?: string };
  steps: { step: string; detail: string }[];
}

export const routePreviewApi = {
  preview: (r: RoutePreviewRequest) => api.post<RoutePreviewAnswer>('/route-preview', r),
};

/** "Where would this go?": asked of the running worker, which routes it with its own code and sends nothing. */
export function useRoutePreview() {
  return useMutation({ mutationFn: routePreviewApi.preview });
}
