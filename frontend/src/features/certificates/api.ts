import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { useLive } from '../live/liveStore';

/** A certificate's facts as GET /api/certificates shows them (control-plane/modules/certificates). */
export interface CertificateFacts {
  subject: string;
  san: string[];
  issuer: string;
  serialNumber: string;
  fingerprint256: string;
  notBefore: string;
  notAfter: string;
  /** Whole days until notAfter; negative once expired. */
  daysLeft: number;
  validity: 'valid' | 'expiring' | 'expired' | 'not-yet-valid';
  chainLength: number;
}
export type CertificateState = CertificateFacts['validity'] | 'invalid';
export interface ChainCheck {
  status: 'trusted' | 'untrusted' | 'no-trusted-ca';
  detail: string;
}
export interface WorkerVerdict {
  accepted: boolean;
  option?: string;
  reason?: string;
}
export interface CertificateView {
  application: string;
  sources: { certificate: string; 'certificate-key': string; 'trusted-ca'?: string };
  listener: boolean;
  state: CertificateState;
  certificate: CertificateFacts | null;
  chain: ChainCheck | null;
  keyMatches: boolean | null;
  worker: WorkerVerdict;
  problems: { option: string; message: string }[];
}
export interface CertificateList {
  expiryWarningDays: number;
  items: CertificateView[];
}
export interface CertificateCheckBody {
  application: string;
  certificate: string;
  'certificate-key'?: string;
  'trusted-ca'?: string;
}
export interface CertificateCheckAnswer {
  application: string;
  accepted: boolean;
  worker: WorkerVerdict;
  save: { accepted: boolean; problems: { option: string; message: string }[] };
  certificate: CertificateFacts | null;
  chain: ChainCheck | null;
  keyMatches: boolean | null;
  state: CertificateState;
}

export const CERTIFICATES_KEY = ['certificates'] as const;

export const certificatesApi = {
  list: () => api.get<CertificateList>('/certificates'),
  check: (body: CertificateCheckBody) => api.post<CertificateCheckAnswer>('/certificates/check', body),
};

/** Every SIP Proxy application's TLS material; re-read when the configuration changes (the live stream) and each minute. */
export function useCertificates() {
  const { stream } = useLive();
  return useQuery({ queryKey: CERTIFICATES_KEY, queryFn: certificatesApi.list, refetchInterval: stream === 'open' ? 60_000 : 10_000 });
}

/** The dry run: would the worker accept this certificate? Nothing is saved. */
export function useCertificateCheck() {
  return useMutation({ mutationFn: certificatesApi.check });
}
