/**
 * A tiny event channel between the fetch wrapper (which sees a 401) and the auth provider
 * (which owns navigation). Keeps api/ free of React and router imports.
 */
type Listener = () => void;
const listeners = new Set<Listener>();

export function onSessionExpired(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function emitSessionExpired(): void {
  for (const l of [...listeners]) l();
}
