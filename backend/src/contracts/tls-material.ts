/**
 * Loading and checking a SIP Proxy application's TLS material ([security] certificate, certificate-key, trusted-ca):
 * each value is a file path (relative to a base directory, normally the YAML document's) or inline PEM.
 * Used by validation (injected, so callers choose whether to touch the file system) and by the worker.
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isInlinePem } from './options/option-schema.js';

/** The [security] values of one application, as written in the document. */
export interface TlsMaterialInput {
  readonly application: string;
  readonly certificate: string;
  readonly certificateKey: string;
  readonly trustedCa?: string;
}

/** One problem with the material: which option and why. */
export interface TlsMaterialProblem {
  readonly option: 'certificate' | 'certificate-key' | 'trusted-ca';
  readonly message: string;
}

/** Checks TLS material; returns every problem found (empty when the material is usable). Must not throw. */
export type TlsMaterialCheck = (input: TlsMaterialInput) => TlsMaterialProblem[];

/** PEM text of a `path-or-pem` value: the value itself when inline, else the file read relative to `baseDir`. */
export function loadPem(value: string, baseDir: string): string {
  if (isInlinePem(value)) return value;
  const path = isAbsolute(value) ? value : resolve(baseDir, value);
  return readFileSync(path, 'utf8');
}

/** Loaded, parsed material, for the worker's TLS context. */
export interface LoadedTlsMaterial {
  readonly certificatePem: string;
  readonly keyPem: string;
  readonly trustedCaPem?: string;
}

function describe(value: string): string {
  return isInlinePem(value) ? 'inline PEM' : `"${value}"`;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A `TlsMaterialCheck` that reads files relative to `baseDir` (inline PEM needs no file), parses the certificate with
 * X509Certificate and the key with createPrivateKey, and checks that the key is the certificate's (`checkPrivateKey`).
 * Also checks that every trusted-ca block parses, and reports a certificate that has expired.
 */
export function fileTlsMaterialCheck(baseDir: string, now: () => Date = () => new Date()): TlsMaterialCheck {
  return (input) => {
    const problems: TlsMaterialProblem[] = [];
    let cert: X509Certificate | undefined;
    try {
      cert = new X509Certificate(loadPem(input.certificate, baseDir));
      if (new Date(cert.validTo).getTime() < now().getTime()) {
        problems.push({ option: 'certificate', message: `certificate ${describe(input.certificate)} expired on ${cert.validTo}` });
      }
    } catch (e) {
      problems.push({ option: 'certificate', message: `certificate ${describe(input.certificate)} cannot be loaded as a PEM X.509 certificate: ${errText(e)}` });
    }
    try {
      const key = createPrivateKey(loadPem(input.certificateKey, baseDir));
      if (cert && !cert.checkPrivateKey(key)) {
        // Compare public keys too, so the message can say which is which.
        const pub = createPublicKey(key).export({ type: 'spki', format: 'der' });
        const certPub = cert.publicKey.export({ type: 'spki', format: 'der' });
        problems.push({
          option: 'certificate-key',
          message: `certificate-key ${describe(input.certificateKey)} does not match certificate ${describe(input.certificate)}${pub.equals(certPub) ? '' : ' (different public keys)'}`,
        });
      }
    } catch (e) {
      problems.push({ option: 'certificate-key', message: `certificate-key ${describe(input.certificateKey)} cannot be loaded as a PEM private key: ${errText(e)}` });
    }
    if (input.trustedCa !== undefined) {
      try {
        const pem = loadPem(input.trustedCa, baseDir);
        const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
        if (blocks.length === 0) throw new Error('no CERTIFICATE block');
        for (const b of blocks) new X509Certificate(b);
      } catch (e) {
        problems.push({ option: 'trusted-ca', message: `trusted-ca ${describe(input.trustedCa)} cannot be loaded as PEM CA certificates: ${errText(e)}` });
      }
    }
    return problems;
  };
}

/** Reads the material for the worker's TLS context (throws on unreadable files; validate first). */
export function loadTlsMaterial(input: Omit<TlsMaterialInput, 'application'>, baseDir: string): LoadedTlsMaterial {
  return {
    certificatePem: loadPem(input.certificate, baseDir),
    keyPem: loadPem(input.certificateKey, baseDir),
    trustedCaPem: input.trustedCa !== undefined ? loadPem(input.trustedCa, baseDir) : undefined,
  };
}
