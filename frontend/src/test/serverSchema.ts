import type { OptionSchemaEntry, OptionSchemaResponse } from '../api/types';

/**
 * The server's own option registry, imported from the backend's contracts (what GET /api/options/schema serves), so
 * tests check the form against the real limits, never a copy. The path is resolved at run time so the frontend's
 * typecheck (DOM lib, no node types) does not pull the backend's sources in.
 */
const CONTRACTS = new URL('../../../backend/src/contracts/options/option-schema.ts', import.meta.url).pathname;

export interface ServerContracts {
  optionSchemaJson(): { options: readonly (OptionSchemaEntry & { objects: readonly string[]; section: string })[] };
  checkOptionValue(def: unknown, raw: unknown): { ok: boolean };
}

export async function serverContracts(): Promise<ServerContracts> {
  return (await import(/* @vite-ignore */ CONTRACTS)) as ServerContracts;
}

/** The schema exactly as the browser receives it (a JSON round trip). */
export async function serverSchemaJson(): Promise<OptionSchemaResponse> {
  return JSON.parse(JSON.stringify((await serverContracts()).optionSchemaJson())) as OptionSchemaResponse;
}
