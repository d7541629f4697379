/**
 * TLS contexts for the SIP transport (RFC 3261 §26.2.1, RFC 5922, RFC 5246/8446): the listener's options
 * (certificate, key, trusted CAs, mutual TLS), the client options for connections the proxy opens, and the
 * RFC 5922 §7 server identity check used on those connections.
 *
 * TLS 1.2 is the floor whatever the configuration says (older versions are broken and refused); TLS 1.3 is on.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import * as tls from 'node:tls';

/** TLS listener options (RFC 3261 §26.3.1): a secure context (key/cert/ca...) plus client-certificate policy. */
export interface SipTlsOptions extends tls.SecureContextOptions {
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
  minVersion?: tls.SecureVersion;
}

/** Certificate material: each value is a file path (absolute, or relative to the process) or inline PEM. */
export interface TlsMaterialSource {
  certificate: string;
  certificateKey: string;
  trustedCa?: string;
}

/** The proxy's TLS settings (the [security] section, already resolved by the worker). */
export interface SipTlsConfig extends TlsMaterialSource {
  /** tls-mutual = 1: clients must present a certificate from a trusted CA (and we present ours as a client). */
  mutual: boolean;
  /** tls-min-version; anything older than TLSv1.2 is raised to TLSv1.2. */
  minVersion?: string;
  /** verify-server-certificate (default true): check the next hop's chain and name (RFC 5922). */
  verifyServerCertificate?: boolean;
}

/** PEM text, read and checked: what the listener and the client contexts are built from. */
export interface LoadedTls {
  cert: string;
  key: string;
  ca?: string;
}

/** A configuration problem with the TLS material: which option, and a message an operator can act on. */
export class TlsConfigError extends Error {
  override readonly name = 'TlsConfigError';
  constructor(
    readonly option: 'certificate' | 'certificate-key' | 'trusted-ca' | 'tls-mutual',
    message: string,
  ) {
    super(message);
  }
}

function isPem(v: string): boolean {
  return v.includes('-----BEGIN ');
}

function describe(v: string): string {
  return isPem(v) ? 'inline PEM' : `"${v}"`;
}

function read(option: TlsConfigError['option'], v: string): string {
  if (isPem(v)) return v;
  try {
    return readFileSync(v, 'utf8');
  } catch (e) {
    throw new TlsConfigError(option, `${option} ${describe(v)} cannot be read: ${(e as Error).message}`);
  }
}

/** Oldest version negotiated: never below TLSv1.2 (sip-tls-sec-protocol's SSLv23/SSLv3/TLSv1/TLSv11 map here too). */
export function effectiveMinVersion(v: string | undefined): 'TLSv1.2' | 'TLSv1.3' {
  return v === 'TLSv1.3' ? 'TLSv1.3' : 'TLSv1.2';
}

/**
 * Reads the certificate, key and trusted CAs and checks them: the certificate parses as X.509, the key parses and
 * is the certificate's, every CA block parses, and a secure context can be built from them. Throws TlsConfigError.
 */
export function loadTlsMaterial(src: TlsMaterialSource): LoadedTls {
  const cert = read('certificate', src.certificate);
  const key = read('certificate-key', src.certificateKey);
  const ca = src.trustedCa !== undefined && src.trustedCa !== '' ? read('trusted-ca', src.trustedCa) : undefined;
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (e) {
    throw new TlsConfigError(
      'certificate',
      `certificate ${describe(src.certificate)} is not a PEM X.509 certificate: ${(e as Error).message}`,
    );
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (e) {
    throw new TlsConfigError(
      'certificate-key',
      `certificate-key ${describe(src.certificateKey)} is not a PEM private key: ${(e as Error).message}`,
    );
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new TlsConfigError(
      'certificate-key',
      `certificate-key ${describe(src.certificateKey)} does not match certificate ${describe(src.certificate)} (${x509.subject.replace(/\n/g, ', ')})`,
    );
  }
  if (ca !== undefined) {
    const blocks = ca.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) throw new TlsConfigError('trusted-ca', `trusted-ca ${describe(src.trustedCa!)} holds no PEM certificate`);
    for (const b of blocks) {
      try {
        new X509Certificate(b);
      } catch (e) {
        throw new TlsConfigError(
          'trusted-ca',
          `trusted-ca ${describe(src.trustedCa!)} has a certificate that does not parse: ${(e as Error).message}`,
        );
      }
    }
  }
  try {
    tls.createSecureContext({ cert, key, ca });
  } catch (e) {
    throw new TlsConfigError(
      'certificate',
      `TLS context cannot be built from certificate ${describe(src.certificate)}: ${(e as Error).message}`,
    );
  }
  return ca !== undefined ? { cert, key, ca } : { cert, key };
}

/**
 * Listener options (RFC 3261 §26.3.1): our certificate; with `mutual`, a client certificate is required and
 * verified against the trusted CAs during the handshake (no certificate, or one from another CA: handshake fails).
 */
export function serverTlsOptions(cfg: SipTlsConfig, material: LoadedTls = loadTlsMaterial(cfg)): SipTlsOptions {
  if (cfg.mutual && material.ca === undefined) {
    throw new TlsConfigError('tls-mutual', 'tls-mutual = 1 needs trusted-ca: client certificates are verified against it');
  }
  const o: SipTlsOptions = {
    cert: material.cert,
    key: material.key,
    minVersion: effectiveMinVersion(cfg.minVersion),
    maxVersion: 'TLSv1.3',
    requestCert: cfg.mutual,
    rejectUnauthorized: cfg.mutual,
  };
  if (material.ca !== undefined) o.ca = material.ca;
  return o;
}

/**
 * Options for connections the proxy opens (RFC 5922 §7.2): the chain is verified against the trusted CAs (the
 * system's when none are configured) and the certificate against the host name that was resolved, unless
 * verify-server-certificate is false. Our certificate is offered, so mutual-TLS servers accept us.
 */
export function clientTlsOptions(cfg: SipTlsConfig, material: LoadedTls = loadTlsMaterial(cfg)): tls.ConnectionOptions {
  const verify = cfg.verifyServerCertificate !== false;
  const o: tls.ConnectionOptions = {
    cert: material.cert,
    key: material.key,
    minVersion: effectiveMinVersion(cfg.minVersion),
    maxVersion: 'TLSv1.3',
    rejectUnauthorized: verify,
    checkServerIdentity: verify ? checkSipServerIdentity : skipIdentity,
  };
  if (material.ca !== undefined) o.ca = material.ca;
  return o;
}

function skipIdentity(): undefined {
  return undefined;
}

/** Identities of a certificate per RFC 5922 §7.1: SIP URI and DNS subjectAltNames, else the CN; plus IP SANs. */
export function certificateIdentities(cert: Pick<tls.PeerCertificate, 'subject' | 'subjectaltname'>): { domains: string[]; ips: string[] } {
  const domains: string[] = [];
  const ips: string[] = [];
  const san = cert.subjectaltname ?? '';
  let anyName = false;
  for (const raw of san.split(/,\s*/)) {
    const e = raw.trim();
    if (e.startsWith('URI:')) {
      // §7.1: sip:domain (a SIP URI with no user part); sips too. Other schemes are not SIP identities.
      const m = /^sips?:([^;?>]+)$/i.exec(e.slice(4));
      if (m && !m[1].includes('@')) domains.push(m[1].toLowerCase());
      anyName = true;
    } else if (e.startsWith('DNS:')) {
      domains.push(e.slice(4).toLowerCase());
      anyName = true;
    } else if (e.startsWith('IP Address:')) {
      ips.push(e.slice(11).toLowerCase());
    }
  }
  if (!anyName && ips.length === 0) {
    const cn = cert.subject?.CN;
    const cns = Array.isArray(cn) ? cn : cn !== undefined ? [cn] : [];
    for (const c of cns) domains.push(c.toLowerCase());
  }
  return { domains, ips };
}

function canonicalIp(ip: string): string {
  // Node prints IPv6 SANs fully expanded (0:0:0:0:0:0:0:1); compare in one form.
  if (!ip.includes(':')) return ip;
  const parts = ip.split('::');
  const head = parts[0] ? parts[0].split(':') : [];
  const tail = parts.length > 1 && parts[1] ? parts[1].split(':') : [];
  const fill = parts.length > 1 ? new Array<string>(8 - head.length - tail.length).fill('0') : [];
  return [...head, ...fill, ...tail].map((g) => parseInt(g, 16).toString(16)).join(':');
}

/** The form a next hop's name is compared in (RFC 5922 §7.2): no IPv6 brackets, no root dot, lower case. */
export function tlsIdentityName(host: string): string {
  return host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/**
 * RFC 5922 §7.2: the host name the proxy resolved must equal (case-insensitively, no wildcards) one of the
 * certificate's SIP domain identities. An IP-literal next hop (no name was resolved) must be an IP subjectAltName.
 * Signature of tls.checkServerIdentity.
 */
export function checkSipServerIdentity(hostname: string, cert: tls.PeerCertificate): Error | undefined {
  const host = tlsIdentityName(hostname);
  const ids = certificateIdentities(cert);
  if (isIP(host)) {
    const want = canonicalIp(host);
    if (ids.ips.some((ip) => canonicalIp(ip) === want)) return undefined;
    return identityError(hostname, `IP address ${host} is not among the certificate's IP subjectAltNames`);
  }
  if (ids.domains.includes(host)) return undefined;
  const names = ids.domains.length ? ids.domains.join(', ') : 'none';
  return identityError(
    hostname,
    `host name ${host} matches none of the certificate's SIP identities (${names}); wildcards are not accepted (RFC 5922 §7.2)`,
  );
}

function identityError(host: string, reason: string): Error {
  const e = new Error(`certificate identity check failed for ${host}: ${reason}`) as Error & { code: string; host: string };
  e.code = 'ERR_TLS_CERT_ALTNAME_INVALID';
  e.host = host;
  return e;
}
