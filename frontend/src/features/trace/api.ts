import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

/** One traced message as GET /api/trace shows it (worker/trace/worker-trace.ts `TraceRecordView`). */
export interface TraceRecordView {
  seq: number;
  /** Epoch microseconds. */
  atUs: number;
  direction: 'in' | 'out';
  transport: 'udp' | 'tcp' | 'tls';
  local: { address: string; port: number };
  remote: { address: string; port: number };
  firstLine: string;
  method: string;
  status?: number;
  callId: string;
  cseq: string;
  users: string[];
  /** The message as kept (credentials, and bodies if the options say so, masked). */
  message: string;
}

export interface TraceAnswer {
  instanceId: string;
  trace?: { enabled: boolean; size: number; held: number; traced: number; hep?: { collector: string; sent: number; errors: number } };
  total: number;
  items: TraceRecordView[];
  next?: number;
}

export interface TraceSearch {
  app: string;
  q?: string;
  callId?: string;
  limit?: number;
}

export const TRACE_KEY = ['trace'] as const;

export const traceApi = {
  search: (s: TraceSearch) => api.get<TraceAnswer>('/trace', { query: { ...s } }),
  pcap: (s: TraceSearch) => api.get<Blob>('/trace/pcap', { query: { app: s.app, q: s.q, callId: s.callId }, responseType: 'blob' }),
};

/** The running worker's trace for `search` (nothing asked until an application is chosen). */
export function useTrace(search: TraceSearch | undefined) {
  return useQuery({
    queryKey: [...TRACE_KEY, search],
    queryFn: () => traceApi.search(search!),
    enabled: search !== undefined && search.app !== '',
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** Downloads the matching messages as a pcap file (Wireshark, tshark, sngrep). */
export function usePcapDownload() {
  return useMutation({
    mutationFn: traceApi.pcap,
    onSuccess: (blob, s) => {
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `sip-trace-${s.app}${s.q ? `-${s.q.replace(/[^A-Za-z0-9._-]/g, '_')}` : ''}.pcap`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
  });
}
