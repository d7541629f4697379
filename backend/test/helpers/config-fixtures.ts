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
