/**
 * The error shape shared by parsing and validation of the configuration document: the control plane returns a list
 * of these (all of them, never the first only) and the UI maps `path` to the field it concerns.
 */

/** Stable machine-readable error codes. */
export type ValidationCode =
  // document shape (parse)
  | 'yaml-syntax'
  | 'invalid-structure'
  | 'unknown-key'
  | 'unsupported-version'
  // one value against the schema
  | 'unknown-option'
  | 'unknown-section'
  | 'misplaced-option'
  | 'duplicate-option'
  | 'invalid-type'
  | 'out-of-range'
  | 'invalid-value'
  | 'required'
  | 'unsupported-role'
  | 'unknown-type'
  | 'unknown-port'
  // rules across objects
  | 'duplicate-name'
  | 'unknown-reference'
  | 'wrong-reference-type'
  | 'not-a-primary'
  | 'backup-shared'
  | 'ha-sip-port-mismatch'
  | 'pool-sip-port-mismatch'
  | 'pool-tls-port-mismatch'
  | 'tls-port-mismatch'
  | 'tls-port-required'
  | 'tls-without-tcp'
  | 'tls-material'
  | 'unknown-secret'
  | 'private-key-misplaced'
  | 'trusted-ca-required'
  | 'oos-disabled'
  | 'outbound-proxy-dn-count'
  | 'peer-proxy-contact-mismatch'
  | 'peer-proxy-tls'
  | 'pair-not-monitored'
  | 'pool-not-described'
  | 'port-conflict'
  | 'ha-pair-incomplete'
  | 'request-uri-incomplete'
  | 'no-proxy-serving'
  | 'dns-resolution-required';

export interface ValidationError {
  /** Where: `applications[2].options.sipproxy.oos-check`, `switches[0].dns[1].options.TServer.peer-proxy-contact`. */
  readonly path: string;
  readonly code: ValidationCode;
  /** Names the object, the option and what is allowed. */
  readonly message: string;
}
