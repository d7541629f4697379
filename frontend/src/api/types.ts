export type Role = 'admin' | 'operator' | 'viewer';

export interface User {
  id: string | number;
  username: string;
  role: Role;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface LoginResponse {
  token: string;
  user: User;
}

export interface WorkerHealth {
  app?: string;
  name?: string;
  id?: string;
  state?: string;
  status?: string;
  [key: string]: unknown;
}

export interface HealthResponse {
  status: string;
  database: { mode: 'embedded' | 'external'; up: boolean };
  workers: WorkerHealth[];
}

export type OptionType = 'int' | 'bool' | 'string' | 'enum' | 'list' | 'pem';
export type TakesEffect = 'immediately' | 'next-call' | 'after-restart';

/** One entry of `GET /api/options/schema`. */
export interface OptionSchemaEntry {
  name: string;
  type: OptionType;
  default?: string | number | boolean | string[] | null;
  validValues?: string[];
  min?: number;
  max?: number;
  takesEffect: TakesEffect;
  description: string;
  extension?: boolean;
  /** Where the option lives, when the schema says so (e.g. 'application', 'switch', 'dn'). */
  object?: string;
  section?: string;
}
