/**
 * The worker's TCP/TLS connection caps and deadlines from the runtime configuration (connection-idle-timeout,
 * connection-first-message-timeout, inbound-connection-idle-timeout, max-connections, -per-address,
 * -per-ipv6-prefix): one mapping used at start and on every live change, so both agree.
 */
import type { AdmissionLimits, ConnectionDeadlines, ProxyRuntimeConfig } from '../sip/index.js';

/** A TLS handshake gets the first-message deadline, or this when that is off (0). */
const HANDSHAKE_FALLBACK_MS = 10_000;

export function connectionPolicy(c: ProxyRuntimeConfig): AdmissionLimits & ConnectionDeadlines {
  const firstMessageMs = c.connectionFirstMessageTimeoutS * 1000;
  return {
    maxConnections: c.maxConnections,
    maxPerAddress: c.maxConnectionsPerAddress,
    maxPerIpv6Prefix: c.maxConnectionsPerIpv6Prefix,
    idleMs: c.connectionIdleTimeoutS * 1000,
    inboundIdleMs: c.inboundConnectionIdleTimeoutS * 1000,
    firstMessageMs,
    handshakeMs: firstMessageMs > 0 ? firstMessageMs : HANDSHAKE_FALLBACK_MS,
  };
}
