import { isIP } from 'node:net';

/**
 * The host an application runs on, as the worker writes it into Via, Record-Route, Path and Contact when
 * `sip-address` is unset: a DNS name or an IP literal (RFC 3261 §25.1 `host`: hostname / IPv4address /
 * IPv6reference). Spaces, CR/LF or NUL would split or forge a header line (RFC 3261 §7.3.1).
 */
const DNS_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?\.?$/; // RFC 3261 hostname: a trailing dot is allowed
export const HOST_NAME_MAX = 253;

/** A DNS name (letters, digits, `-`, `_`, `.`), an IPv4 address, or an IPv6 address with or without brackets. */
export function isHostName(s: string): boolean {
  if (s.length === 0 || s.length > HOST_NAME_MAX) return false;
  return DNS_NAME.test(s) || isIP(s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s) !== 0;
}
