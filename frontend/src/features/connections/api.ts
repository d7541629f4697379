import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { enc } from '../../api/commit';

/** GET /api/workers/{app}/connections, as the worker answers it (contracts/worker-query.ts `ConnectionsAnswer`). */
export interface PeerCertificateView {
  subject: string;
  san: string[];
  issuer: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
}

export interface FlowView {
  aor: string;
  instance?: string;
  regId?: number;
  contact: string;
  registeredAt: string;
  expiresAt: string;
  /** Flow-Timer sent to the UA (s), 0 = none. */
  flowTimerS: number;
}

export interface ConnectionView {
  id: string;
  transport: string;
  direction: 'inbound' | 'outbound';
  state: string;
  local: string;
  peer: string;
  since: string;
  ageS: number;
  lastActivity: string;
  lastReceived: string;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  flows: FlowView[];
  flowTimerS?: number;
  tlsPeer?: PeerCertificateView;
}

export interface ConnectionsAnswer {
  instanceId: string;
  total: number;
  offset: number;
  limit: number;
  items: ConnectionView[];
  udpFlows: (FlowView & { peer: string })[];
  keepAlive: { enabled: boolean; idleS: number; intervalS: number; count: number };
}

export interface ConnectionsSearch {
  app: string;
  transport?: 'tcp' | 'tls' | 'udp';
  q?: string;
  limit: number;
  offset: number;
}

export const CONNECTIONS_KEY = ['connections'] as const;

export const connectionsApi = {
  list: ({ app, ...query }: ConnectionsSearch) => api.get<ConnectionsAnswer>(`/workers/${enc(app)}/connections`, { query: { ...query } }),
  close: (app: string, id: string) => api.delete<{ instanceId: string; closed: boolean }>(`/workers/${enc(app)}/connections/${enc(id)}`),
};

/** One page of a proxy's connections, refreshed every 5 s (nothing asked until a proxy is chosen). */
export function useConnections(search: ConnectionsSearch | undefined) {
  return useQuery({
    queryKey: [...CONNECTIONS_KEY, search],
    queryFn: () => connectionsApi.list(search!),
    enabled: search !== undefined && search.app !== '',
    placeholderData: keepPreviousData,
    refetchInterval: 5000,
    retry: false,
  });
}

/** Closes one connection (admins; audited by the control plane): its flows fail until the UA registers again. */
export function useCloseConnection(app: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => connectionsApi.close(app, id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: CONNECTIONS_KEY }),
  });
}
