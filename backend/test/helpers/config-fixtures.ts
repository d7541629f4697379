import { parseConfigDocument, serializeConfigDocument, type ConfigDocument } from '../../src/contracts/config-document.js';
import { exampleDocumentText, FIXTURE_CERTS } from '../fixtures/config/index.js';

/** The example deployment with its certificate paths made absolute (the control plane resolves them from its cwd). */
export function exampleDocument(): ConfigDocument {
  const { doc, errors } = parseConfigDocument(exampleDocumentText());
  if (errors.length) throw new Error(`example document does not parse: ${JSON.stringify(errors)}`);
  for (const a of doc.applications) {
    const sec = a.options.security;
    if (!sec) continue;
    if (sec.certificate) sec.certificate = FIXTURE_CERTS.proxyCert;
    if (sec['certificate-key']) sec['certificate-key'] = FIXTURE_CERTS.proxyKey;
    if (sec['trusted-ca']) sec['trusted-ca'] = FIXTURE_CERTS.caCert;
  }
  return doc;
}

export const toYaml = (doc: ConfigDocument) => serializeConfigDocument(doc);
export const exampleYaml = () => toYaml(exampleDocument());

/** A YAML value: PEM text (several lines) as a block scalar indented for the `security` section, else as it is. */
const securityValue = (v: string) =>
  v.includes('\n')
    ? `|\n${v
        .trimEnd()
        .split('\n')
        .map((l) => ' '.repeat(10) + l)
        .join('\n')}`
    : v;

/**
 * The smallest document with a TLS proxy (SIPProxy_1 on 5061 in front of one SIP Server pair), its `security` section
 * as given: PEM text or a file path / secret reference. The secrets and private-key placement specs import it.
 */
export function tlsProxyDocument(security: { certificate: string; key: string; ca?: string }): string {
  return `version: 1
applications:
  - { name: SIPServer_A, type: sip-server, host: 127.0.0.1, ports: { sip-port: 5070 }, backup: SIPServer_A_backup }
  - { name: SIPServer_A_backup, type: sip-server, host: 127.0.0.2, ports: { sip-port: 5070 } }
  - name: SIPProxy_1
    type: sip-proxy
    host: 127.0.0.1
    ports: { sip-port: 5060, tls-port: 5061, http-port: 8090 }
    options:
      sipproxy:
        applications: SIPServer_A
        servicing-sipserver: SIPServer_A
        sipproxy-role: 10
        oos-check: 5
        oos-force: 5
      security:
        certificate: ${securityValue(security.certificate)}
        certificate-key: ${securityValue(security.key)}
${security.ca ? `        trusted-ca: ${securityValue(security.ca)}\n` : ''}switches:
  - name: SiteA
    sip-server: SIPServer_A
    dns:
      - { number: pool, type: voip-service, options: { TServer: { service-type: sip-outbound-proxy, contact: pool.example, external-contact: "127.0.0.1:5060", oos-check: 5, oos-force: 5 } } }
`;
}
