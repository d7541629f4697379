import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { isApiError } from '../../api/errors';
import type { HealthResponse } from '../../api/types';

export const HEALTH_QUERY_KEY = ['health'] as const;

function looksLikeHealth(b: unknown): b is HealthResponse {
  return !!b && typeof b === 'object' && 'database' in b;
}

export const healthApi = {
  /** A degraded control plane may answer 503 with the same body; that is still a health report, not a failure. */
  get: async (): Promise<HealthResponse> => {
    try {
      return await api.get<HealthResponse>('/health');
    } catch (e) {
      if (isApiError(e) && e.status === 503 && looksLikeHealth(e.body)) return e.body;
      throw e;
    }
  },
};

/** `GET /api/health` every 10 s. */
export function useHealth() {
  return useQuery({ queryKey: HEALTH_QUERY_KEY, queryFn: healthApi.get, refetchInterval: 10_000 });
}
