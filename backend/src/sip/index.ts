/**
 * The SIP stack's public API: the one file code outside `src/sip/` imports (dependency-cruiser rule
 * `sip-has-one-door`; the platform-free `address.ts` it re-exports is the one exception, for the option registry). Grouped by folder, bottom up (README.md "Layers"); what is not listed here is internal
 * and may change without touching the worker, the contracts, the benches or the tests.
 *
 * Guarantees at the door (README.md "Guarantees"):
 * - framework-free: TypeScript and `node:*` only, configuration passed in (never read from the environment);
 * - `parseMessage` / `StreamFramer` never throw; header views throw `SipHeaderError` when malformed;
 * - local refusals are `SipError`s (a status, reason and the counter they count in).
 */

// address.ts — the address type (HostPort, TransportAddress) and the syntax of address-valued options; platform-free,
// so code that must not load sockets (the option registry) imports that file directly.
export {
  defaultPort,
  ipFamily,
  parseDnsServer,
  parseNetwork,
  unbracket,
  type HostPort,
  type IpNetwork,
  type TransportAddress,
  type TransportProtocol,
} from './address.js';

// message/ — RFC 3261 §7, §19-§20, §25 message model: parser, framer, header views, serializer.
export {
  SipRequest,
  SipResponse,
  type SipMessage,
  type CSeq,
  isRequest,
  isResponse,
  parseCSeq,
  Headers,
  HeaderField,
  type HeadSource,
  canonicalKey,
  isListHeader,
  splitList,
  SipUri,
  NameAddr,
  type Params,
  parseUri,
  parseNameAddr,
  parseNameAddrList,
  parseGenericParams,
  unescapeUriPart,
  Via,
  parseVia,
  parseViaList,
  type SipParseErrorCode,
  SipHeaderError,
  type SipParseError,
  type ParserLimits,
  type ParseResult,
  DEFAULT_LIMITS,
  parseMessage,
  StreamFramer,
  type FramerEvent,
  serialize,
  createResponse,
  generateBranch,
  generateTag,
  REASON_PHRASES,
  validateMessage,
  type ValidateOptions,
} from './message/index.js';

// transport/ — RFC 3261 §18 UDP/TCP/TLS transport, connections, keep-alives (RFC 5626 §3.5), socket options.
export {
  TransportLayer,
  isAllInterfaces,
  listenersFromSipAddress,
  type BoundListener,
  type ListenerSpec,
  type TransportLayerOptions,
  type TransportStats,
  type UdpCounters,
} from './transport/transport-layer.js';
export {
  ConnectionManager,
  type ConnectionCounters,
  type ConnectionInfo,
  type ConnectionManagerOptions,
  type ConnectionState,
  type StreamProtocol,
} from './transport/connection-manager.js';
export { ConnectionAdmission, DEFAULT_ADMISSION_LIMITS, type AdmissionLimits } from './transport/connection-admission.js';
export { type ConnectionDeadlines, type DeadlineReason } from './transport/connection-deadlines.js';
export { responseDestination, sourceDestination } from './transport/response-destination.js';
export { applyReceivedRport, normalizeAddress } from './transport/via-received.js';
export {
  isReliable,
  protocolFromVia,
  type Destination,
  type MessageHandler,
  type MessageSource,
  type MessageTap,
  type SipTransport,
  type TransportErrorSink,
} from './transport/types.js';
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
} from './transport/tls-context.js';
export { describeKeepAlive, osKeepAliveSettings, type TcpKeepAliveOptions } from './transport/keepalive.js';
export { socketOptionsSupport, type SocketOptionResult, type SocketOptionsSupport } from './transport/socket-options.js';

// transaction/ — the four RFC 3261 §17 state machines (RFC 6026), the timer wheel, the transaction layer.
export {
  TransactionLayer,
  type RequestHandler,
  type StrayAckHandler,
  type StrayResponseHandler,
  type TransactionLayerOptions,
  type TransactionLayerStats,
} from './transaction/transaction-layer.js';
export { FakeTimers, TimerWheel, type TimerScheduler, type TimerTarget, type TimerWheelOptions } from './transaction/timer-wheel.js';
export {
  DEFAULT_TIMER_CONFIG,
  TransactionError,
  type TransactionErrorCode,
  type ClientTransaction,
  type ServerTransaction,
  type ClientTransactionUser,
  type ServerTransactionUser,
  type TransactionState,
  type TransactionTimerConfig,
} from './transaction/transaction-types.js';

// ha/ — HA pairs of SIP Servers (oos-check / oos-force) and their OPTIONS prober.
export {
  HaPair,
  type HaPairSnapshot,
  type HaServer,
  type HaTrigger,
  type PairState,
  type ServerRole,
  type StateChange,
} from './ha/ha-pair.js';

// routing/ — RFC 3261 §16.5 target determination as pure decisions, overload control.
export { Router, parseHop, type Hop, type RoutingDecision } from './routing/router.js';
export { DialogRateLimiter } from './routing/overload.js';

// config.ts — the runtime configuration the stack is built from (the worker maps the effective configuration to it).
export {
  defaultRuntimeConfig,
  DEFAULT_RELAY_OPTIONS,
  type ExtensionDn,
  type HaPairConfig,
  type ProxyRuntimeConfig,
  type ProxyTlsConfig,
  type RelayOptions,
  type TrunkDn,
} from './config.js';

// dns/ — RFC 3263 next-hop resolution over a stub resolver that keeps TTLs (RFC 1035, RFC 2308).
export { SipResolver, type DnsBackend, type HopQuery, type ResolvedHop, type SipResolverOptions } from './dns/resolver.js';
export {
  DnsClient,
  DnsError,
  type DnsAnswer,
  type DnsClientOptions,
  type DnsClientStats,
  type DnsErrorCode,
  type QueryType,
  type RecordMap,
} from './dns/dns-client.js';

// outbound/ — RFC 5626 edge-proxy flows and RFC 3327 Path.
export { FlowRegistry, type FlowBinding, type FlowRegistryOptions } from './outbound/flow-registry.js';
export { EdgeOutbound, type EdgeOutboundOptions } from './outbound/outbound.js';

// proxy/ — the RFC 3261 §16 stateful proxy (its intake, ProxyCore, is the top of the stack).
export { ProxyCore, type ProxyCoreOptions, type ProxyEvents, type ProxyStats } from './proxy/proxy-core.js';
export { SipError, type RefusalCounter, type SipErrorCode } from './proxy/sip-error.js';
export { setBranchWorkerPort } from './proxy/loop.js';
// The route preview: ProxyCore.routeRequest run with a trace, changing nothing (route-preview.ts).
export {
  previewRoute,
  requestFromFields,
  parseRequest,
  PreviewInputError,
  type PreviewFields,
  type RoutePreview,
} from './proxy/route-preview.js';
