import { api } from './client';
import { isApiError } from './errors';
import type { HealthResponse } from './types';

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
