/**
 * Loading and checking a SIP Proxy application's TLS material ([security] certificate, certificate-key, trusted-ca):
 * each value is a file path (relative to a base directory, normally the YAML document's) or inline PEM.
 * Used by validation (injected, so callers choose whether to touch the file system) and by the worker.
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import { isInlinePem } from './options/option-schema.js';
import { isSecretRef } from './secrets.js';

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

/** Largest PEM file read (a certificate chain or key is a few kB; a bigger file is a mistake or an attack). */
export const MAX_PEM_FILE_BYTES = 1024 * 1024;

/** Where PEM files may be read from. */
export interface PemFileRules {
  /** Files must resolve (symbolic links followed) inside this directory; unset = anywhere (the standalone CLI). */
  readonly root?: string;
  readonly maxBytes?: number;
}

/**
 * PEM text of a `path-or-pem` value: the value itself when inline, else the file read relative to `baseDir`.
 * Only a regular file is read (a FIFO would block, a device like /dev/zero would never end), at most `maxBytes`,
 * and with `root` only inside it. Throws an Error saying which rule the path breaks.
 */
export function loadPem(value: string, baseDir: string, rules: PemFileRules = {}): string {
  if (isInlinePem(value)) return value;
  if (isSecretRef(value))
    throw new Error(`${value} is a masked secret (the document was exported without its secrets); give the PEM or a file path`);
  return readPemFile(isAbsolute(value) ? value : resolve(baseDir, value), rules);
}

function readPemFile(path: string, rules: PemFileRules): string {
  const max = rules.maxBytes ?? MAX_PEM_FILE_BYTES;
  const real = realpathSync(path);
  if (rules.root !== undefined) {
    let root: string;
    try {
      root = realpathSync(rules.root);
    } catch {
      throw new Error(`the TLS material directory ${rules.root} does not exist`);
    }
    if (!real.startsWith(root.endsWith(sep) ? root : root + sep))
      throw new Error(`"${path}" is outside the TLS material directory ${rules.root}`);
  }
  // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat on the descriptor decides what was opened.
  const fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`"${path}" is not a regular file`);
    if (st.size > max) throw new Error(`"${path}" is ${st.size} bytes; a PEM file may have at most ${max}`);
    // Read at most max + 1 bytes whatever the size said: the file may grow meanwhile.
    const buf = Buffer.alloc(max + 1);
    let n = 0;
    for (let r; n < buf.length && (r = readSync(fd, buf, n, buf.length - n, null)) > 0;) n += r;
    if (n > max) throw new Error(`"${path}" is larger than ${max} bytes`);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
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
export function fileTlsMaterialCheck(
  baseDir: string,
  now: () => Date = () => new Date(),
  rules: PemFileRules & { readonly files?: 'read' | 'skip' } = {},
): TlsMaterialCheck {
  const loadPem = (value: string, dir: string) => loadPemWith(value, dir, rules);
  return (input) => {
    const problems: TlsMaterialProblem[] = [];
    // Without file access (validation for a viewer) only inline material is checked; a path is not even opened.
    if (
      rules.files === 'skip' &&
      ![input.certificate, input.certificateKey, input.trustedCa].every((v) => v === undefined || isInlinePem(v))
    )
      return problems;
    let cert: X509Certificate | undefined;
    try {
      cert = new X509Certificate(loadPem(input.certificate, baseDir));
      if (new Date(cert.validTo).getTime() < now().getTime()) {
        problems.push({ option: 'certificate', message: `certificate ${describe(input.certificate)} expired on ${cert.validTo}` });
      }
    } catch (e) {
      problems.push({
        option: 'certificate',
        message: `certificate ${describe(input.certificate)} cannot be loaded as a PEM X.509 certificate: ${errText(e)}`,
      });
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
      problems.push({
        option: 'certificate-key',
        message: `certificate-key ${describe(input.certificateKey)} cannot be loaded as a PEM private key: ${errText(e)}`,
      });
    }
    if (input.trustedCa !== undefined) {
      try {
        const pem = loadPem(input.trustedCa, baseDir);
        const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
        if (blocks.length === 0) throw new Error('no CERTIFICATE block');
        for (const b of blocks) new X509Certificate(b);
      } catch (e) {
        problems.push({
          option: 'trusted-ca',
          message: `trusted-ca ${describe(input.trustedCa)} cannot be loaded as PEM CA certificates: ${errText(e)}`,
        });
      }
    }
    return problems;
  };
}

const loadPemWith = loadPem;

/** Reads the material for the worker's TLS context (throws on unreadable files; validate first). */
export function loadTlsMaterial(input: Omit<TlsMaterialInput, 'application'>, baseDir: string): LoadedTlsMaterial {
  return {
    certificatePem: loadPem(input.certificate, baseDir),
    keyPem: loadPem(input.certificateKey, baseDir),
    trustedCaPem: input.trustedCa !== undefined ? loadPem(input.trustedCa, baseDir) : undefined,
  };
}
