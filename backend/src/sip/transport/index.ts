/**
 * SIP transport layer (RFC 3261 §18, RFC 3581, RFC 5626 keep-alive pongs). See transport-layer.ts.
 */
export {
  TransportLayer,
  isAllInterfaces,
  listenersFromSipAddress,
  type BoundListener,
  type ListenerSpec,
  type TransportLayerOptions,
  type TransportStats,
  type UdpCounters,
} from './transport-layer.js';
export {
  ConnectionManager,
  type ConnectionCounters,
  type ConnectionInfo,
  type ConnectionManagerOptions,
  type ConnectionState,
  type StreamProtocol,
} from './connection-manager.js';
export { ConnectionAdmission, DEFAULT_ADMISSION_LIMITS, ipv6Prefix64, type AdmissionLimits } from './connection-admission.js';
export { deadlinePassed, type ConnectionDeadlines, type DeadlineReason } from './connection-deadlines.js';
export { responseDestination, sourceDestination } from './response-destination.js';
export { applyReceivedRport, normalizeAddress } from './via-received.js';
export {
  defaultPort,
  isReliable,
  protocolFromVia,
  type Destination,
  type MessageHandler,
  type MessageSource,
  type SipTransport,
  type TransportErrorSink,
  type TransportProtocol,
} from './types.js';
export {
  TlsConfigError,
  certificateIdentities,
  checkSipServerIdentity,
  clientTlsOptions,
  effectiveMinVersion,
  loadTlsMaterial,
  serverTlsOptions,
  type LoadedTls,
  type SipTlsConfig,
  type SipTlsOptions,
  type TlsMaterialSource,
} from './tls-context.js';
export { applyKeepAlive, describeKeepAlive, osKeepAliveSettings, type TcpKeepAliveOptions } from './keepalive.js';
export {
  getIpTos,
  getTcpKeepAlive,
  setIpTos,
  setTcpKeepAlive,
  socketFd,
  socketOptionsSupport,
  type SocketOptionResult,
  type SocketOptionsSupport,
} from './socket-options.js';
