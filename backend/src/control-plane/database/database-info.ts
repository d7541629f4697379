export const DATABASE_INFO = Symbol('DATABASE_INFO');
export interface DatabaseInfo {
  mode: 'embedded' | 'external';
  url: string;
  /** The embedded server's supervisor: told at once when the server dies (up: false) and when it is back. */
  watch?: (listener: (e: { up: boolean; detail: string }) => void) => void;
}
