/**
 * Test PKI made with openssl at test time (never committed): a test CA, the proxy's certificate (localhost,
 * 127.0.0.1, sip:proxy.test), a peer certificate for TLS peers (localhost, 127.0.0.1, peer.test), a client
 * certificate from the same CA, and a foreign CA with its own client certificate.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface TestPki {
  dir: string;
  ca: string;
  proxyCert: string;
  proxyKey: string;
  peerCert: string;
  peerKey: string;
  clientCert: string;
  clientKey: string;
  /** Names localhost only (no IP SAN): proves a check by host name. */
  namedCert: string;
  namedKey: string;
  foreignCa: string;
  foreignClientCert: string;
  foreignClientKey: string;
  /** Reads a file of the PKI as text. */
  pem(file: string): string;
  cleanup(): void;
}

function ossl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): void {
  ossl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  ]);
}

function issue(dir: string, ca: string, name: string, san: string, usage: string): void {
  ossl(dir, [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${name}`,
  ]);
  writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${san}\nextendedKeyUsage=${usage}\n`);
  ossl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  ]);
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'sip-tls-pki-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'foreign-ca');
  issue(dir, 'ca', 'proxy', 'DNS:localhost,IP:127.0.0.1,URI:sip:proxy.test', 'serverAuth,clientAuth');
  issue(dir, 'ca', 'peer', 'DNS:localhost,DNS:peer.test,IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3', 'serverAuth,clientAuth');
  issue(dir, 'ca', 'client', 'DNS:client.test', 'clientAuth');
  issue(dir, 'ca', 'named', 'DNS:localhost', 'serverAuth');
  issue(dir, 'foreign-ca', 'foreign-client', 'DNS:client.test', 'clientAuth');
  const p = (f: string): string => path.join(dir, f);
  return {
    dir,
    ca: p('ca.pem'),
    proxyCert: p('proxy.pem'),
    proxyKey: p('proxy.key'),
    peerCert: p('peer.pem'),
    peerKey: p('peer.key'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
    namedCert: p('named.pem'),
    namedKey: p('named.key'),
    foreignCa: p('foreign-ca.pem'),
    foreignClientCert: p('foreign-client.pem'),
    foreignClientKey: p('foreign-client.key'),
    pem: (f) => readFileSync(path.isAbsolute(f) ? f : p(f), 'utf8'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A certificate and key issued by a dated issuer (paths inside its directory). */
export interface DatedCertificate {
  cert: string;
  key: string;
}

/**
 * A CA that issues certificates with any validity period (`openssl ca -startdate/-enddate`; `x509 -days` only starts
 * now): one that expires in 10 days, one that expired yesterday. Files are written into `dir`, named by `name`.
 */
export function makeDatedIssuer(
  dir: string,
  caName = 'dated-ca',
): { caCert: string; issue(name: string, validity: { notBefore: Date; notAfter: Date; san?: string }): DatedCertificate } {
  makeCa(dir, caName);
  // -days 2 above is the CA's own validity: long enough for a test, short enough never to be mistaken for a real one.
  writeFileSync(
    path.join(dir, `${caName}.cnf`),
    `[ca]\ndefault_ca=d\n[d]\ndatabase=${caName}.index\nnew_certs_dir=.\nserial=${caName}.serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n`,
  );
  writeFileSync(path.join(dir, `${caName}.index`), '');
  writeFileSync(path.join(dir, `${caName}.serial`), '1000\n');
  const stamp = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
  return {
    caCert: path.join(dir, `${caName}.pem`),
    issue(name, validity) {
      ossl(dir, [
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
        '-subj',
        `/CN=${name}`,
      ]);
      writeFileSync(
        path.join(dir, `${name}.ext`),
        `subjectAltName=${validity.san ?? `DNS:${name}.test`}\nextendedKeyUsage=serverAuth,clientAuth\n`,
      );
      ossl(dir, [
        'ca',
        '-batch',
        '-notext',
        '-config',
        `${caName}.cnf`,
        '-cert',
        `${caName}.pem`,
        '-keyfile',
        `${caName}.key`,
        '-in',
        `${name}.csr`,
        '-out',
        `${name}.pem`,
        '-startdate',
        stamp(validity.notBefore),
        '-enddate',
        stamp(validity.notAfter),
        '-extfile',
        `${name}.ext`,
      ]);
      return { cert: path.join(dir, `${name}.pem`), key: path.join(dir, `${name}.key`) };
    },
  };
}
