import { api } from './client';
import type { OptionSchemaEntry, OptionSchemaResponse } from './types';

export const optionsApi = {
  schema: () => api.get<OptionSchemaResponse>('/options/schema'),
};

/** The entries that live on one object kind and section, in schema order. */
export function optionsFor(schema: OptionSchemaResponse, kind: string, section: string): OptionSchemaEntry[] {
  return schema.options.filter((o) => o.section === section && (o.objects ?? []).includes(kind));
}
