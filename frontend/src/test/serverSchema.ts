import { checkOptionValue, optionSchemaJson } from '@contracts/options/option-schema';
import type { OptionSchemaResponse } from '../api/types';

/**
 * The server's own option registry and check, imported from the backend's contracts through the `@contracts` alias
 * (what GET /api/options/schema serves and what the server validates with), so tests check the form against the real
 * limits, never a copy.
 */
export interface ServerContracts {
  optionSchemaJson: typeof optionSchemaJson;
  checkOptionValue: typeof checkOptionValue;
}

export function serverContracts(): Promise<ServerContracts> {
  return Promise.resolve({ optionSchemaJson, checkOptionValue });
}

/** The schema exactly as the browser receives it (a JSON round trip). */
export async function serverSchemaJson(): Promise<OptionSchemaResponse> {
  return JSON.parse(JSON.stringify((await serverContracts()).optionSchemaJson())) as OptionSchemaResponse;
}
