import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { OptionSchemaEntry, OptionSchemaResponse } from '../../api/types';

export const OPTION_SCHEMA_QUERY_KEY = ['options', 'schema'] as const;

export const optionsApi = {
  schema: () => api.get<OptionSchemaResponse>('/options/schema'),
};

/** The entries that live on one object kind and section, in schema order. */
export function optionsFor(schema: OptionSchemaResponse, kind: string, section: string): OptionSchemaEntry[] {
  return schema.options.filter((o) => o.section === section && (o.objects ?? []).includes(kind));
}

/** The option schema (`GET /api/options/schema`); it only changes with a new control-plane release, so fetch once. */
export function useOptionSchema() {
  return useQuery({
    queryKey: OPTION_SCHEMA_QUERY_KEY,
    queryFn: optionsApi.schema,
    staleTime: Infinity,
    gcTime: Infinity,
  });
}
