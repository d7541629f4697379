import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import {
  TlsConfigError,
  checkSipServerIdentity,
  clientTlsOptions,
  effectiveMinVersion,
  loadTlsMaterial,
  serverTlsOptions,
} from './tls-context.js';

const CERTS = path.resolve(import.meta.dirname, '../../../test/fixtures/config/certs');
const proxyPem = path.join(CERTS, 'proxy.pem');
const proxyKey = path.join(CERTS, 'proxy.key');
const caPem = path.join(CERTS, 'ca.pem');

function peer(san: string | undefined, cn?: string): tls.PeerCertificate {
  return { subjectaltname: san, subject: cn ? { CN: cn } : {} } as unknown as tls.PeerCertificate;
}

describe('loadTlsMaterial', () => {
  it('loads paths and inline PEM alike', () => {
    const a = loadTlsMaterial({ certificate: proxyPem, certificateKey: proxyKey, trustedCa: caPem });
    const b = loadTlsMaterial({ certificate: readFileSync(proxyPem, 'utf8'), certificateKey: readFileSync(proxyKey, 'utf8') });
    expect(a.cert).toBe(b.cert);
    expect(a.ca).toContain('BEGIN CERTIFICATE');
    expect(b.ca).toBeUndefined();
  });

  it("a key that is not the certificate's is a certificate-key error", () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const e = (() => {
      try {
        loadTlsMaterial({ certificate: proxyPem, certificateKey: other });
      } catch (x) {
        return x;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(TlsConfigError);
    expect((e as TlsConfigError).option).toBe('certificate-key');
    expect((e as Error).message).toMatch(/does not match certificate/);
  });

  it('a missing file or garbage names the option', () => {
    expect(() => loadTlsMaterial({ certificate: '/nonexistent/cert.pem', certificateKey: proxyKey })).toThrow(
      /certificate "\/nonexistent\/cert.pem" cannot be read/,
    );
    expect(() =>
      loadTlsMaterial({ certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', certificateKey: proxyKey }),
    ).toThrow(TlsConfigError);
    expect(() => loadTlsMaterial({ certificate: proxyPem, certificateKey: proxyKey, trustedCa: proxyKey })).toThrow(
      /trusted-ca .* no PEM certificate/,
    );
  });
});

describe('server and client options', () => {
  it('never below TLS 1.2, 1.3 allowed; legacy sip-tls-sec-protocol values map to 1.2', () => {
    for (const v of [undefined, 'SSLv23', 'SSLv3', 'TLSv1', 'TLSv11', 'TLSv1.2']) expect(effectiveMinVersion(v)).toBe('TLSv1.2');
    expect(effectiveMinVersion('TLSv1.3')).toBe('TLSv1.3');
    const s = serverTlsOptions({ certificate: proxyPem, certificateKey: proxyKey, mutual: false, minVersion: 'TLSv1' });
    expect(s).toMatchObject({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', requestCert: false, rejectUnauthorized: false });
  });

  it('mutual TLS requires and verifies client certificates, and needs trusted-ca', () => {
    const s = serverTlsOptions({ certificate: proxyPem, certificateKey: proxyKey, trustedCa: caPem, mutual: true });
    expect(s).toMatchObject({ requestCert: true, rejectUnauthorized: true });
    expect(s.ca).toContain('BEGIN CERTIFICATE');
    expect(() => serverTlsOptions({ certificate: proxyPem, certificateKey: proxyKey, mutual: true })).toThrow(/needs trusted-ca/);
  });

  it('client verifies by default (RFC 5922 check), skips only when told', () => {
    const c = clientTlsOptions({ certificate: proxyPem, certificateKey: proxyKey, trustedCa: caPem, mutual: false });
    expect(c.rejectUnauthorized).toBe(true);
    expect(c.checkServerIdentity).toBe(checkSipServerIdentity);
    const off = clientTlsOptions({ certificate: proxyPem, certificateKey: proxyKey, mutual: false, verifyServerCertificate: false });
    expect(off.rejectUnauthorized).toBe(false);
    expect(off.checkServerIdentity?.('x', peer(undefined))).toBeUndefined();
  });
});

describe('checkSipServerIdentity (RFC 5922 §7.2)', () => {
  it('matches SIP URI and DNS subjectAltNames case-insensitively', () => {
    expect(checkSipServerIdentity('Proxy.Example.com', peer('DNS:proxy.example.com'))).toBeUndefined();
    expect(checkSipServerIdentity('example.com', peer('URI:sip:example.com, DNS:other.example'))).toBeUndefined();
  });

  it('refuses wildcards, other names, and a CN when subjectAltNames exist', () => {
    expect(checkSipServerIdentity('a.example.com', peer('DNS:*.example.com'))).toBeInstanceOf(Error);
    expect(checkSipServerIdentity('evil.example', peer('DNS:proxy.example.com'))?.message).toMatch(/matches none/);
    expect(checkSipServerIdentity('cn.example', peer('DNS:proxy.example.com', 'cn.example'))).toBeInstanceOf(Error);
    expect(checkSipServerIdentity('user.example', peer('URI:sip:alice@user.example'))).toBeInstanceOf(Error);
  });

  it('uses the CN only without subjectAltNames; IP literals need an IP subjectAltName', () => {
    expect(checkSipServerIdentity('cn.example', peer(undefined, 'cn.example'))).toBeUndefined();
    expect(checkSipServerIdentity('127.0.0.1', peer('DNS:localhost, IP Address:127.0.0.1'))).toBeUndefined();
    expect(checkSipServerIdentity('::1', peer('IP Address:0:0:0:0:0:0:0:1'))).toBeUndefined();
    expect(checkSipServerIdentity('127.0.0.2', peer('DNS:localhost, IP Address:127.0.0.1'))).toBeInstanceOf(Error);
  });
});
