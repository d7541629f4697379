/**
 * What an operator wants to know about one application's TLS material, read with node:crypto's X509Certificate:
 * subject, subjectAltName, issuer, validity and days left, the chain up to a trusted-ca certificate, and whether the
 * key is the certificate's. Pure (the PEM text and the time are given); the private key is only ever compared, never
 * returned. Whether the worker accepts the material is not decided here: that is the worker's own check
 * (certificates.service.ts runs it).
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';

/** Days before notAfter from which a certificate is `expiring` (issue 17: an alarm 30 days before expiry). */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;
/** Longest chain walked (leaf, intermediates, CA): a loop or a pathological file stops here. */
const MAX_CHAIN = 10;

export type ValidityState = 'valid' | 'expiring' | 'expired' | 'not-yet-valid';

export interface CertificateFacts {
  readonly subject: string;
  readonly san: string[];
  readonly issuer: string;
  readonly serialNumber: string;
  readonly fingerprint256: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** Whole days until notAfter (negative once expired). */
  readonly daysLeft: number;
  readonly validity: ValidityState;
  /** Certificates in the certificate value (the leaf, then intermediates). */
  readonly chainLength: number;
}

export interface ChainCheck {
  /** `trusted`: the leaf chains (through the given intermediates) to a trusted-ca certificate; `no-trusted-ca`: none is configured. */
  readonly status: 'trusted' | 'untrusted' | 'no-trusted-ca';
  readonly detail: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every CERTIFICATE block of a PEM text, parsed (throws when a block does not parse or there is none). */
export function parseCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw new Error('no PEM CERTIFICATE block');
  return blocks.map((b) => new X509Certificate(b));
}

const oneLine = (dn: string) => dn.split('\n').filter(Boolean).join(', ');

export function validityState(notBefore: Date, notAfter: Date, now: Date): ValidityState {
  if (now.getTime() >= notAfter.getTime()) return 'expired';
  if (now.getTime() < notBefore.getTime()) return 'not-yet-valid';
  return notAfter.getTime() - now.getTime() <= EXPIRY_WARNING_DAYS * DAY_MS ? 'expiring' : 'valid';
}

/** The leaf's facts; `chain` is the certificate value's blocks (leaf first). */
export function certificateFacts(chain: X509Certificate[], now: Date): CertificateFacts {
  const leaf = chain[0];
  const notBefore = new Date(leaf.validFrom);
  const notAfter = new Date(leaf.validTo);
  return {
    subject: oneLine(leaf.subject),
    san: leaf.subjectAltName ? leaf.subjectAltName.split(/,\s*/) : [],
    issuer: oneLine(leaf.issuer),
    serialNumber: leaf.serialNumber,
    fingerprint256: leaf.fingerprint256,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    validity: validityState(notBefore, notAfter, now),
    chainLength: chain.length,
  };
}

const issued = (child: X509Certificate, parent: X509Certificate) => child.checkIssued(parent) && child.verify(parent.publicKey);

/**
 * Walks from the leaf through the certificate value's intermediates to a certificate of trusted-ca, checking each
 * signature. Validity dates of the CA are reported, not judged (the leaf's are in the facts).
 */
export function checkChain(chain: X509Certificate[], trusted: X509Certificate[] | undefined): ChainCheck {
  if (!trusted) return { status: 'no-trusted-ca', detail: 'no trusted-ca is configured: the chain is not checked here' };
  let current = chain[0];
  const rest = chain.slice(1);
  for (let step = 0; step < MAX_CHAIN; step++) {
    const ca = trusted.find((c) => issued(current, c));
    if (ca) return { status: 'trusted', detail: `issued by trusted-ca certificate ${oneLine(ca.subject)}` };
    const next = rest.find((c) => c !== current && issued(current, c));
    if (!next)
      return {
        status: 'untrusted',
        detail: `${oneLine(current.subject)} is issued by ${oneLine(current.issuer)}, which is not in trusted-ca (nor a valid intermediate of the certificate value)`,
      };
    current = next;
  }
  return { status: 'untrusted', detail: `no trusted-ca certificate within ${MAX_CHAIN} steps` };
}

/** Whether the private key is the certificate's: true/false, or undefined when the key does not load (reported elsewhere). */
export function keyMatches(leaf: X509Certificate, keyPem: string): boolean | undefined {
  try {
    return leaf.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return undefined;
  }
}
