import { createPrivateKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ConfigDocument, OptionSections } from '../../../contracts/config-document.js';
import { compileEffectiveConfig } from '../../../contracts/effective-config.js';
import { isInlinePem } from '../../../contracts/options/option-schema.js';
import { loadPem } from '../../../contracts/tls-material.js';
import { TlsConfigError, clientTlsOptions, loadTlsMaterial, serverTlsOptions, type SipTlsConfig } from '../../../sip/index.js';
import { badRequest, notFound, type FieldError } from '../../common/errors.js';
import { ConfigurationService } from '../configuration/configuration.service.js';
import {
  certificateFacts,
  checkChain,
  keyMatches,
  parseCertificates,
  type CertificateFacts,
  type ChainCheck,
} from './certificate-inspection.js';
import type { CertificateCheckInput } from './certificates.schemas.js';

type TlsOption = 'certificate' | 'certificate-key' | 'trusted-ca';
const OPTIONS: readonly TlsOption[] = ['certificate', 'certificate-key', 'trusted-ca'];

/** Whether the worker loads the material: its own check (sip/transport/tls-context.ts), the option at fault and why. */
export interface WorkerVerdict {
  accepted: boolean;
  option?: string;
  reason?: string;
}

/** One SIP Proxy application's TLS material as read now. No key material, ever: the key is only compared. */
export interface CertificateView {
  application: string;
  /**
   * Where each value comes from: `inline` PEM, or the file path as written (relative to TLS_MATERIAL_DIR). The key is
   * a secret option: `secret` (set) or `none`, never its value or path, as every other read shows it.
   */
  sources: { certificate: string; 'certificate-key': string; 'trusted-ca'?: string };
  /** tls-port set: the worker's TLS listener uses this material. */
  listener: boolean;
  /** `invalid`: the certificate does not load, or the worker would refuse the material. */
  state: 'valid' | 'expiring' | 'expired' | 'not-yet-valid' | 'invalid';
  certificate: CertificateFacts | null;
  chain: ChainCheck | null;
  keyMatches: boolean | null;
  worker: WorkerVerdict;
  problems: { option: string; message: string }[];
}

export interface CertificateCheckAnswer {
  application: string;
  /** The worker would load it (its check) and a save would keep it (the configuration's rules, files opened). */
  accepted: boolean;
  worker: WorkerVerdict;
  save: { accepted: boolean; problems: { option: string; message: string }[] };
  certificate: CertificateFacts | null;
  chain: ChainCheck | null;
  keyMatches: boolean | null;
  state: CertificateView['state'];
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const sourceOf = (v: string) => (isInlinePem(v) ? 'inline' : v);

/**
 * GET /api/certificates and POST /api/certificates/check. The material is read the way the worker's snapshot is
 * built (compileEffectiveConfig with `inline-pem`: files only from TLS_MATERIAL_DIR, size-capped), and judged by the
 * worker's own functions (sip's loadTlsMaterial, serverTlsOptions, clientTlsOptions: what worker/tls-listeners.ts
 * runs when it starts its TLS listener), not by a second implementation. The control plane may not import the
 * worker (dependency rule), so it calls the SIP stack's functions the worker wraps.
 */
@Injectable()
export class CertificatesService {
  constructor(private readonly config: ConfigurationService) {}

  /** Every SIP Proxy application with a [security] certificate, by name. */
  async list(now = new Date()): Promise<CertificateView[]> {
    const { doc } = await this.config.headWithSecrets();
    return doc.applications
      .filter((a) => a.type === 'sip-proxy' && typeof a.options.security?.certificate === 'string' && a.options.security.certificate !== '')
      .map((a) => this.inspect(doc, a.name, now))
      .sort((x, y) => x.application.localeCompare(y.application));
  }

  /** The dry run: the application's document with the proposed values in place, checked as list() does, and as a save would. */
  async check(input: CertificateCheckInput, now = new Date()): Promise<CertificateCheckAnswer> {
    const { doc: head } = await this.config.headWithSecrets();
    const index = head.applications.findIndex((a) => a.name === input.application);
    if (index < 0) throw notFound(`Application ${input.application}`);
    if (head.applications[index].type !== 'sip-proxy')
      throw badRequest('NOT_A_PROXY', `${input.application} is not a SIP Proxy application: only those have TLS material`);
    this.assertReadable(input);
    const doc = structuredClone(head);
    const app = doc.applications[index];
    const security = (app.options.security ??= {});
    security.certificate = input.certificate;
    if (input['certificate-key'] !== undefined) security['certificate-key'] = input['certificate-key'];
    if (input['trusted-ca'] !== undefined) {
      if (input['trusted-ca'] === '') delete security['trusted-ca'];
      else security['trusted-ca'] = input['trusted-ca'];
    }
    if (typeof security['certificate-key'] !== 'string' || security['certificate-key'] === '') {
      throw badRequest('KEY_REQUIRED', `${input.application} has no certificate-key: give certificate-key with the certificate`, [
        { path: 'certificate-key', code: 'required', message: 'is required: the application has none configured' },
      ]);
    }
    const view = this.inspect(doc, app.name, now);
    const prefix = `applications[${index}].options.security`;
    const saveProblems = this.config
      .validateWithFiles(doc)
      .filter(
        (e) => e.path.startsWith(`applications[${index}].`) && (e.path.startsWith(prefix) || /certificate|trusted-ca|tls/.test(e.message)),
      )
      .map((e) => ({ option: e.path.startsWith(prefix) ? e.path.slice(prefix.length + 1) : e.path, message: e.message }));
    return {
      application: app.name,
      accepted: view.worker.accepted && saveProblems.length === 0,
      worker: view.worker,
      save: { accepted: saveProblems.length === 0, problems: saveProblems },
      certificate: view.certificate,
      chain: view.chain,
      keyMatches: view.keyMatches,
      state: view.state,
    };
  }

  /**
   * What is proposed must at least be TLS material: a value that is no PEM of its kind (or a path that cannot be
   * read under TLS_MATERIAL_DIR) is a 400 naming the field, not an answer. Whether it is usable is the answer.
   */
  private assertReadable(input: CertificateCheckInput): void {
    const { baseDir, pemFiles } = this.config.tlsFiles;
    const errors: FieldError[] = [];
    for (const o of OPTIONS) {
      const v = input[o];
      if (v === undefined || (o === 'trusted-ca' && v === '')) continue;
      try {
        const text = loadPem(v, baseDir, pemFiles);
        if (o === 'certificate-key') createPrivateKey(text);
        else parseCertificates(text);
      } catch (e) {
        const what = o === 'certificate-key' ? 'a PEM private key' : 'PEM X.509 certificates';
        errors.push({
          path: o,
          code: 'invalid-tls-material',
          message: `is not ${what} (inline, or a readable file under the TLS material directory): ${errText(e)}`,
        });
      }
    }
    if (errors.length)
      throw badRequest('INVALID_TLS_MATERIAL', `Invalid request body: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
  }

  private inspect(doc: ConfigDocument, name: string, now: Date): CertificateView {
    const app = doc.applications.find((a) => a.name === name)!;
    const sec: OptionSections[string] = app.options.security ?? {};
    const raw = (o: TlsOption) => (typeof sec[o] === 'string' && sec[o] !== '' ? sec[o] : undefined);
    const { baseDir, pemFiles } = this.config.tlsFiles;
    const problems: CertificateView['problems'] = [];
    const pem: Partial<Record<TlsOption, string>> = {};
    for (const o of OPTIONS) {
      const v = raw(o);
      if (v === undefined) continue;
      try {
        pem[o] = loadPem(v, baseDir, pemFiles);
      } catch (e) {
        problems.push({ option: o, message: `${o} ${isInlinePem(v) ? 'inline PEM' : `"${v}"`} cannot be read: ${errText(e)}` });
      }
    }
    let certificate: CertificateFacts | null = null;
    let chain: ChainCheck | null = null;
    let matches: boolean | null = null;
    if (pem.certificate !== undefined) {
      try {
        const certs = parseCertificates(pem.certificate);
        certificate = certificateFacts(certs, now);
        let trusted;
        if (pem['trusted-ca'] !== undefined) {
          try {
            trusted = parseCertificates(pem['trusted-ca']);
          } catch {
            /* the worker's check says why */
          }
        }
        chain = pem['trusted-ca'] !== undefined && !trusted ? null : checkChain(certs, trusted);
        if (pem['certificate-key'] !== undefined) matches = keyMatches(certs[0], pem['certificate-key']) ?? null;
      } catch (e) {
        problems.push({ option: 'certificate', message: `certificate is not a PEM X.509 certificate: ${errText(e)}` });
      }
    }
    const worker = problems.length
      ? { accepted: false, option: problems[0].option, reason: problems[0].message }
      : this.workerVerdict(doc, name, pem as Record<TlsOption, string>);
    if (!worker.accepted && !problems.some((p) => p.message === worker.reason))
      problems.push({ option: worker.option ?? 'certificate', message: worker.reason ?? 'refused' });
    const state = !certificate || !worker.accepted ? 'invalid' : certificate.validity;
    const tlsPort = app.ports['tls-port'];
    return {
      application: name,
      sources: {
        certificate: sourceOf(raw('certificate') ?? ''),
        'certificate-key': raw('certificate-key') === undefined ? 'none' : 'secret',
        ...(raw('trusted-ca') !== undefined ? { 'trusted-ca': sourceOf(raw('trusted-ca')!) } : {}),
      },
      listener: typeof tlsPort === 'number' && tlsPort !== 0,
      state,
      certificate,
      chain,
      keyMatches: matches,
      worker,
      problems,
    };
  }

  /**
   * The worker's check: the effective configuration it would be sent (TLS options as compiled for its snapshot) and
   * the SIP stack's loadTlsMaterial + serverTlsOptions + clientTlsOptions, which throw TlsConfigError naming the option.
   */
  private workerVerdict(doc: ConfigDocument, name: string, pem: Record<TlsOption, string>): WorkerVerdict {
    let cfg: SipTlsConfig;
    try {
      const { baseDir, pemFiles } = this.config.tlsFiles;
      const eff = compileEffectiveConfig(doc, name, { baseDir, pemFiles, tlsMaterial: 'inline-pem' });
      const sec = eff.options.security ?? {};
      // Without a tls-port the snapshot carries no TLS block; the same fields the compiler would give are used.
      cfg = eff.tls
        ? {
            certificate: eff.tls.certificate,
            certificateKey: eff.tls.certificateKey,
            trustedCa: eff.tls.trustedCa,
            mutual: eff.tls.mutual,
            minVersion: eff.tls.minVersion,
            verifyServerCertificate: eff.tls.verifyServerCertificate,
          }
        : {
            certificate: pem.certificate,
            certificateKey: pem['certificate-key'] ?? '',
            trustedCa: pem['trusted-ca'],
            mutual: sec['tls-mutual'] === 1,
            minVersion: sec['tls-min-version'] === 'TLSv1.3' ? 'TLSv1.3' : 'TLSv1.2',
            verifyServerCertificate: sec['verify-server-certificate'] !== false,
          };
    } catch (e) {
      return { accepted: false, option: 'certificate', reason: `the worker's configuration cannot be compiled: ${errText(e)}` };
    }
    if (!cfg.certificateKey) return { accepted: false, option: 'certificate-key', reason: 'certificate-key is not set' };
    try {
      const material = loadTlsMaterial(cfg);
      serverTlsOptions(cfg, material);
      clientTlsOptions(cfg, material);
      return { accepted: true };
    } catch (e) {
      if (e instanceof TlsConfigError) return { accepted: false, option: e.option, reason: e.message };
      return { accepted: false, option: 'certificate', reason: errText(e) };
    }
  }
}
