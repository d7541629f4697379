import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE_CERTS } from '../../../../test/fixtures/config/index.js';
import { certificateFacts, checkChain, keyMatches, parseCertificates, validityState } from './certificate-inspection.js';

const cert = parseCertificates(readFileSync(FIXTURE_CERTS.proxyCert, 'utf8'));
const ca = parseCertificates(readFileSync(FIXTURE_CERTS.caCert, 'utf8'));
const DAY = 24 * 3600 * 1000;

describe('certificate inspection', () => {
  it('validity: expiring from 30 days before notAfter, expired at notAfter, not yet valid before notBefore', () => {
    const nb = new Date('2026-01-01T00:00:00Z');
    const na = new Date('2026-03-01T00:00:00Z');
    expect(validityState(nb, na, new Date(na.getTime() - 31 * DAY))).toBe('valid');
    expect(validityState(nb, na, new Date(na.getTime() - 30 * DAY))).toBe('expiring');
    expect(validityState(nb, na, new Date(na.getTime() - 1))).toBe('expiring');
    expect(validityState(nb, na, na)).toBe('expired');
    expect(validityState(nb, na, new Date(nb.getTime() - 1))).toBe('not-yet-valid');
  });

  it('facts of the fixture certificate: subject, issuer, days left from the given time', () => {
    const now = new Date(new Date(cert[0].validTo).getTime() - 10.5 * DAY);
    const f = certificateFacts(cert, now);
    expect(f).toMatchObject({ subject: 'CN=proxy.site-a.example', daysLeft: 10, validity: 'expiring', chainLength: 1 });
    expect(f.issuer).toContain('SIP Proxy test CA');
  });

  it('chain: trusted by its CA, untrusted by another, unchecked without one', () => {
    expect(checkChain(cert, ca).status).toBe('trusted');
    expect(checkChain(cert, cert).status).toBe('untrusted');
    expect(checkChain(cert, undefined).status).toBe('no-trusted-ca');
  });

  it('key match: its key yes, a garbage key undefined (never thrown)', () => {
    expect(keyMatches(cert[0], readFileSync(FIXTURE_CERTS.proxyKey, 'utf8'))).toBe(true);
    expect(keyMatches(cert[0], 'not a key')).toBeUndefined();
    expect(() => parseCertificates('garbage')).toThrow(/no PEM CERTIFICATE block/);
  });
});
