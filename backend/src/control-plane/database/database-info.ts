export const DATABASE_INFO = Symbol('DATABASE_INFO');
export interface DatabaseInfo { mode: 'embedded' | 'external'; url: string }
