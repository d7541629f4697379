import { useQuery } from '@tanstack/react-query';
import { optionsApi } from '../../api';

export const OPTION_SCHEMA_QUERY_KEY = ['options', 'schema'] as const;

/** The option schema (`GET /api/options/schema`); it only changes with a new control-plane release, so fetch once. */
export function useOptionSchema() {
  return useQuery({
    queryKey: OPTION_SCHEMA_QUERY_KEY,
    queryFn: optionsApi.schema,
    staleTime: Infinity,
    gcTime: Infinity,
  });
}
