import { useSyncExternalStore } from 'react';
import type { ServiceState } from '../../api';

/** One sample per service-state update, per worker. */
export interface WorkerSample {
  at: number;
  callsPerSecond: number;
  /** 503s since the previous sample (counters are cumulative); unknown for a worker's first sample. */
  responses503?: number;
  /** Mean RTT of this worker's last probes, when it has any. */
  rttMs?: number;
}

const MAX_SAMPLES = 90;

interface LiveState {
  /** 'open' while the event stream delivers; otherwise pages poll. */
  stream: 'connecting' | 'open' | 'down' | 'unsupported';
  history: Record<string, WorkerSample[]>;
}

let state: LiveState = { stream: 'connecting', history: {} };
const listeners = new Set<() => void>();
const last503 = new Map<string, number>();
let lastGenerated = '';

function emit() {
  for (const l of listeners) l();
}

export const liveStore = {
  get: () => state,
  subscribe(l: () => void) {
    listeners.add(l);
    return () => listeners.delete(l);
  },
  setStream(stream: LiveState['stream']) {
    if (state.stream === stream) return;
    state = { ...state, stream };
    emit();
  },
  /** Appends the workers' counters and probe RTTs of one service-state snapshot to the sparkline history. */
  record(s: ServiceState) {
    if (!s || s.generatedAt === lastGenerated) return;
    lastGenerated = s.generatedAt;
    const at = Date.parse(s.generatedAt) || Date.now();
    const history = { ...state.history };
    for (const w of s.workers ?? []) {
      const c = w.counters;
      const total503 = c?.responses503 ?? 0;
      const prev = last503.get(w.id);
      last503.set(w.id, total503);
      const rtts: number[] = [];
      for (const p of s.pairs ?? []) {
        for (const v of p.views ?? []) {
          if (v.worker !== w.id && v.worker !== w.app) continue;
          for (const srv of v.servers ?? []) if (typeof srv.lastRttMs === 'number') rtts.push(srv.lastRttMs);
        }
      }
      const sample: WorkerSample = {
        at,
        callsPerSecond: c?.callsPerSecond ?? 0,
        responses503: prev === undefined ? undefined : Math.max(0, total503 - prev),
        rttMs: rtts.length ? rtts.reduce((a, b) => a + b, 0) / rtts.length : undefined,
      };
      history[w.id] = [...(history[w.id] ?? []), sample].slice(-MAX_SAMPLES);
    }
    state = { ...state, history };
    emit();
  },
  /** Tests start from a clean slate. */
  reset() {
    state = { stream: 'connecting', history: {} };
    last503.clear();
    lastGenerated = '';
    emit();
  },
};

export function useLive(): LiveState {
  return useSyncExternalStore(liveStore.subscribe, liveStore.get, liveStore.get);
}
