/**
 * The registry data. Texts in `defaultText`, `validValuesText` and `takesEffectText` are verbatim from the
 * SIP Proxy 8.1 Deployment Guide (seeds/002, seeds/004) for the guide's options; descriptions are our own words.
 */
import type { OptionDefinition } from './option-schema.js';

const GUIDE_APP = 'SIP Proxy 8.1 Deployment Guide: SIP Proxy Application Configuration Options';
const GUIDE_DN = 'SIP Proxy 8.1 Deployment Guide: DN-Level Configuration Options';
const GUIDE_TLS = 'SIP Proxy 8.1 Deployment Guide: Transport Layer Security';
const GUIDE_KA = 'SIP Proxy 8.1 Deployment Guide: Keep Alive for TCP Connections';
const GUIDE_DEPLOY_SIPS = 'SIP Proxy 8.1 Deployment Guide: Deploying SIP Proxy, Configure primary and backup SIP Servers';
const GUIDE_DEPLOY_MULTISITE = 'SIP Proxy 8.1 Deployment Guide: Deploying SIP Proxy, Configure multi-site call handling';
const PRODUCT = 'Product extension (this product documents it)';
const RESTART = 'After SIP Proxy restart';

export const OPTION_DEFINITIONS: readonly OptionDefinition[] = [
  // ---------------------------------------------------------------- application sip-proxy, [sipproxy]
  {
    name: 'applications', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'list',
    default: null, defaultText: 'NULL', validValuesText: 'String value',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'Comma-separated names of the primary SIP Server applications this proxy monitors (one HA pair each).',
    extension: false, source: GUIDE_APP,
    note: 'Only primaries are listed; each must be a sip-server application of the document. Required.',
  },
  {
    name: 'oos-check', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 5, defaultText: '5', validValuesText: '0-300', min: 1, max: 300, unit: 'seconds',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Interval between the OPTIONS probes this proxy sends to each SIP Server.',
    extension: false, source: GUIDE_APP,
    note: 'The guide gives 0-300, but 0 would switch out-of-service detection off and the guide says it must be enabled, so min is 1 (the registry decides, for the server and the form alike).',
  },
  {
    name: 'oos-force', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 5, defaultText: '5', validValuesText: '1-32', min: 1, max: 32, unit: 'seconds',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Interval at which this proxy re-probes an out-of-service SIP Server to see whether it answers again.',
    extension: false, source: GUIDE_APP,
    note:
      'The guide gives 1-32 here and 0-30 for the DN-level oos-force. They are two different options (the proxy\'s ' +
      're-probe interval vs. SIP Server\'s wait before declaring a device out of service), so each keeps its own ' +
      'documented range: 0 makes no sense for a re-probe interval, and a DN wait of 0 means "at once".',
  },
  {
    name: 'overload-ctrl-dialog-rate', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 0, defaultText: '0', validValuesText: 'Any positive integer', min: 0, max: 1_000_000, unit: 'dialogs-per-second',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Maximum new INVITEs per second; INVITEs over the threshold get 503 Service Unavailable. 0 disables the limit.',
    extension: false, source: GUIDE_APP,
    note: '"Any positive integer" but the default is 0 (disabled): read as any non-negative integer; capped at 1,000,000.',
  },
  {
    name: 'resolve-host', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'bool',
    default: false, defaultText: 'false', validValuesText: 'true, false',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'Put the resolved IP address (true) instead of the host name (false) in the Via header the proxy adds.',
    extension: false, source: GUIDE_APP,
  },
  {
    name: 'dns-servers', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'list', listItem: 'dns-server',
    default: null, defaultText: 'NULL', validValuesText: 'Comma-separated ip, ip:port or [ipv6]:port',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'DNS servers the worker asks to resolve next hops given by name (RFC 3263 NAPTR, SRV, A/AAAA); empty uses the host\'s resolver configuration (/etc/resolv.conf).',
    extension: true, source: PRODUCT,
    note: 'Each is tried in turn (2 s, 2 rounds). Answers are cached for their own DNS TTL; see docs/dns.md.',
  },
  {
    name: 'servicing-sipserver', aliases: ['serving-sipserver'], objects: ['sip-proxy'], section: 'sipproxy', type: 'string',
    default: null, defaultText: 'NULL', validValuesText: 'Any string',
    takesEffect: 'after-restart', takesEffectText: 'After SIP Proxy restart',
    description: 'Primary SIP Server (HA pair) that receives every request coming from endpoints and media gateways.',
    extension: false, source: GUIDE_APP,
    note:
      'The option reference spells it "serving-sipserver", the deployment procedure "servicing-sipserver": both are ' +
      'accepted and stored as "servicing-sipserver". Required; must name one of the "applications".',
  },
  {
    name: 'sip-address', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'string',
    default: null, defaultText: 'NULL', validValuesText: 'String value',
    takesEffect: 'after-restart', takesEffectText: 'After SIP Proxy restart',
    description: 'IP address of the interface to bind the SIP ports to and to put in Via; unset binds all interfaces.',
    extension: false, source: GUIDE_APP,
    note:
      '"String value", but it is the IP address of an interface: validation requires an IPv4 or IPv6 address. Unset, ' +
      'the SIP ports listen on every IPv4 and (when the host has any) IPv6 interface, and Via/Record-Route name the ' +
      'application\'s host. Proxies sharing a sip-port on one machine each need their own.',
  },
  {
    name: 'sip-enable-tcp-keep-alive', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'bool',
    default: false, defaultText: 'false', validValuesText: 'true, false',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'Enable TCP keep-alive on every SIP connection to detect stale ones and reopen them within an active transaction.',
    extension: false, source: `${GUIDE_APP}; ${GUIDE_KA}`, relatedFeature: 'Keep Alive for TCP Connections',
    note: 'The guide leaves the timings to the OS; this product also accepts tcp-keep-alive-idle/-interval/-count.',
  },
  {
    name: 'sip-ip-tos', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 256, defaultText: '256', validValuesText: '0-255', min: 0, max: 256,
    allowedHint: 'an integer from 0 to 255 (the TOS byte), or 256 to leave the operating system\'s value',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'TOS/DSCP byte for the IP header of SIP messages the proxy sends (decimal); 256 leaves the OS value.',
    extension: false, source: GUIDE_APP,
    note:
      'The guide documents 0-255 but a default of 256 that "disables this functionality". Read as: 0-255 set the byte, ' +
      '256 (the default, also accepted explicitly) means "do not set it". 257 and above are refused. Applied to UDP and ' +
      'TCP/TLS sockets (IP_TOS, IPv6 traffic class) through the socket-options addon; where it is absent or the OS ' +
      'refuses the value, the worker says so at start-up and in its status.',
  },
  {
    name: 'sipproxy-role', aliases: ['siproxy-role'], objects: ['sip-proxy'], section: 'sipproxy', type: 'enum',
    default: 0, defaultText: '0', validValuesText: '0,10', values: [0, 10],
    allowedHint: '10 (standalone mode, the only mode served; 0 is reserved for engineering purposes)',
    takesEffect: 'after-restart', takesEffectText: 'After SIP Proxy restart',
    description: 'Proxy mode: 10 is standalone mode, the only one served; 0 is reserved for engineering purposes.',
    extension: false, source: GUIDE_APP,
    note:
      'The option reference spells it "siproxy-role", the procedure "sipproxy-role": both accepted, stored as ' +
      '"sipproxy-role". The documented default 0 is an engineering mode this product does not serve, so validation ' +
      'requires the option to be set to 10 (the procedure says "Set to 10").',
  },
  // product extensions, [sipproxy]
  {
    name: 'failover-timeout', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 1000, defaultText: '1000', validValuesText: '100-32000', min: 100, max: 32000, unit: 'milliseconds',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Time without any response after which a request forwarded to one server of an HA pair is retried on the other (and an INVITE sent to a name with several RFC 3263 candidates goes on to the next).',
    extension: true, source: PRODUCT,
    note: 'Upper bound is Timer B/F (64*T1 = 32 s): past it the client transaction has timed out anyway. The RFC 3263 §4.3 use is ours: Timer B would hold a call 32 s on a dead SRV target.',
  },
  {
    name: 'oos-probe-timeout', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 2000, defaultText: '2000', validValuesText: '100-30000', min: 100, max: 30000, unit: 'milliseconds',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'How long the proxy waits for the answer to an OPTIONS probe before counting the SIP Server as not responding.',
    extension: true, source: `${PRODUCT}; the guide's "configured timeout" of out-of-service detection`,
    note: 'The guide: "If the primary SIP Server does not respond during a configured timeout, SIP Proxy starts to ping the backup". Never longer than the probe interval (oos-check): a probe ends before the next one starts.',
  },
  {
    name: 'tcp-keep-alive-idle', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 60, defaultText: '60', validValuesText: '1-7200', min: 1, max: 7200, unit: 'seconds',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'Idle time before the first TCP keep-alive probe on a SIP connection (when sip-enable-tcp-keep-alive is true).',
    extension: true, source: PRODUCT, relatedFeature: 'Keep Alive for TCP Connections',
  },
  {
    name: 'tcp-keep-alive-interval', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 10, defaultText: '10', validValuesText: '1-600', min: 1, max: 600, unit: 'seconds',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'Time between unanswered TCP keep-alive probes (when sip-enable-tcp-keep-alive is true).',
    extension: true, source: PRODUCT, relatedFeature: 'Keep Alive for TCP Connections',
    note: 'Set per socket (TCP_KEEPINTVL) through the socket-options addon; where it is absent, the OS value applies (the guide\'s behaviour) and the worker says so.',
  },
  {
    name: 'tcp-keep-alive-count', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 5, defaultText: '5', validValuesText: '1-50', min: 1, max: 50, unit: 'count',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'Unanswered TCP keep-alive probes after which a connection is stale (when sip-enable-tcp-keep-alive is true).',
    extension: true, source: PRODUCT, relatedFeature: 'Keep Alive for TCP Connections',
    note: 'Set per socket (TCP_KEEPCNT) through the socket-options addon, with TCP_USER_TIMEOUT = idle + interval x count; where it is absent, the OS value applies (the guide\'s behaviour) and the worker says so.',
  },
  {
    name: 'connection-idle-timeout', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 7200, defaultText: '7200', validValuesText: '0-86400', min: 0, max: 86400, unit: 'seconds',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'Close a TCP/TLS connection that carried no inbound traffic (not even a keep-alive) for this long; 0 never.',
    extension: true, source: PRODUCT,
    note: 'Default follows reSIProcate\'s 2-hour garbage collection of connections without a Flow-Timer (seeds/003). The connection manager takes it when the worker starts, so a change waits for the restart.',
  },
  {
    name: 'flow-timer', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 0, defaultText: '0', validValuesText: '0-3600', min: 0, max: 3600, unit: 'seconds',
    takesEffect: 'next-call', takesEffectText: 'For the next REGISTER',
    description: 'Flow-Timer value (RFC 5626 §5.4) the edge proxy adds to REGISTER 2xx responses for outbound flows; 0 adds none.',
    extension: true, source: PRODUCT, relatedFeature: 'RFC 5626 outbound',
  },
  {
    name: 'flow-timer-grace-period', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 30, defaultText: '30', validValuesText: '0-600', min: 0, max: 600, unit: 'seconds',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Extra time past flow-timer without a keep-alive before a flow\'s connection is treated as dead and closed.',
    extension: true, source: PRODUCT, relatedFeature: 'RFC 5626 outbound',
    note: 'Default 30 s as in reSIProcate (seeds/003).',
  },
  {
    name: 'persistent-next-hop-connection', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'bool',
    default: true, defaultText: 'true', validValuesText: 'true, false',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'true: the TCP/TLS connection to each SIP Server of the HA pairs is opened at start, kept with RFC 5626 keep-alive pings (replaced when the server stops answering them) and reused for all traffic; a connection the proxy opens to any other next hop is reused until connection-idle-timeout passes with nothing on it. false: a connection per transaction: the proxy closes a connection it opened as soon as no transaction uses it.',
    extension: true, source: PRODUCT,
    note: 'Dialogic\'s persistence modes (seeds/000): with per-transaction persistence "a TLS client connection is terminated as soon as the SIP transaction is terminated. This means that multiple TLS client connections may be required within the same SIP call. This persistence setting is therefore not recommended for performance reasons." An INVITE transaction ends 32 s after its 2xx (RFC 6026 Timer M), so the ACK goes down the INVITE\'s connection and the BYE opens its own. Never closed by this: connections a UA or peer opened to the proxy, registered flows, and a connection another transaction still uses. In both modes a connection a transaction uses is not closed as idle.',
  },
  // relay policy (issue 13; backend/src/sip/proxy/relay-policy.ts, README "Relay policy")
  {
    name: 'relay-trusted-networks', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'list', listItem: 'cidr',
    default: null, defaultText: 'NULL', validValuesText: 'Comma-separated networks in CIDR notation (10.1.0.0/16, 2001:db8::/32) or single addresses',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Networks whose sources are trusted neighbours like the SIP Servers and trunk peers: their requests are routed by Request-URI and Route as they name them, and their REGISTERs may carry a Path of their own. Requests from any other source may only go to the SIP Servers, a registered flow or an Extension DN\'s contact.',
    extension: true, source: PRODUCT,
    note: 'The servers of every configured HA pair and trunk peers given by IP address are trusted without being listed; a trunk peer given by host name needs its network here.',
  },
  {
    name: 'relay-allow-foreign-next-hop', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'bool',
    default: false, defaultText: 'false', validValuesText: 'true, false',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Let requests from untrusted sources name a next hop of their own (a foreign Route or in-dialog Request-URI). false refuses them with 403: the proxy is no open relay (RFC 3261 §26.3.2.4).',
    extension: true, source: PRODUCT,
    note: 'true restores the open relay of releases before issue 13; only for closed networks where every endpoint is trusted.',
  },
  {
    name: 'max-message-size', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 65535, defaultText: '65535', validValuesText: '1500-1048576', min: 1500, max: 1_048_576, unit: 'bytes',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'Largest SIP message accepted; larger ones get 513 (datagram) or close the stream.',
    extension: true, source: PRODUCT,
  },
  {
    name: 'max-header-count', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 256, defaultText: '256', validValuesText: '16-4096', min: 16, max: 4096, unit: 'count',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'Most header fields accepted in one SIP message.',
    extension: true, source: PRODUCT,
  },
  {
    name: 'max-line-length', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 8192, defaultText: '8192', validValuesText: '256-65535', min: 256, max: 65535, unit: 'bytes',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'Longest start line or header line accepted in one SIP message.',
    extension: true, source: PRODUCT,
  },
  // Edge exposure (issue 13 §2, §3): connections prove themselves; the management port is not a public door.
  {
    name: 'connection-first-message-timeout', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 10, defaultText: '10', validValuesText: '0-300', min: 0, max: 300, unit: 'seconds',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Close an inbound TCP/TLS connection that has not delivered one complete SIP message this long after it was accepted (its TLS handshake must finish within it too), or that has not completed a later message this long after its first byte; 0 never.',
    extension: true, source: PRODUCT,
    note: 'Keep-alive pings do not count as a message. With 0, a TLS handshake still has 10 s. Applies to connections already open at the next sweep.',
  },
  {
    name: 'inbound-connection-idle-timeout', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 300, defaultText: '300', validValuesText: '0-86400', min: 0, max: 86400, unit: 'seconds',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Close an inbound TCP/TLS connection that carries no registered flow after this long without inbound traffic; 0 leaves only connection-idle-timeout.',
    extension: true, source: PRODUCT,
    note: 'Connections the proxy opened and connections a UA registered over keep connection-idle-timeout. The default is above Timer C (3 min, RFC 3261 §16.6) so a ringing call from an unregistered endpoint keeps its connection.',
  },
  {
    name: 'max-connections', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 10000, defaultText: '10000', validValuesText: '1-100000', min: 1, max: 100000, unit: 'count',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Most TCP/TLS connections open at once, inbound and outbound, TLS handshakes in progress included; more are refused at accept.',
    extension: true, source: PRODUCT,
    note: 'Keep it under the process\'s descriptor limit (ulimit -n) with room for UDP sockets, logs and the management port.',
  },
  {
    name: 'max-connections-per-address', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 1000, defaultText: '1000', validValuesText: '1-100000', min: 1, max: 100000, unit: 'count',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Most TCP/TLS connections from or to one IP address (TLS handshakes in progress included).',
    extension: true, source: PRODUCT,
  },
  {
    name: 'max-connections-per-ipv6-prefix', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 1000, defaultText: '1000', validValuesText: '1-100000', min: 1, max: 100000, unit: 'count',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Most TCP/TLS connections from or to one IPv6 /64, on top of the per-address cap.',
    extension: true, source: PRODUCT,
    note: 'An IPv6 host usually holds a whole /64, so a per-address cap alone would not bound it.',
  },
  {
    name: 'http-address', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'string',
    default: null, defaultText: 'NULL', validValuesText: 'IPv4 or IPv6 address',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'Address the management port (http-port: /status, /metrics, /health) binds to; unset binds loopback (sip-address, else the application\'s host, when that is a loopback address; else 127.0.0.1).',
    extension: true, source: PRODUCT,
    note: 'Bound to a non-loopback address, everything but /health needs http-token (Authorization: Bearer); without http-token it is refused (403).',
  },
  {
    name: 'http-token', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'string',
    default: null, defaultText: 'NULL', validValuesText: 'At least 16 printable characters, no spaces',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Bearer token the management port requires for /status and /metrics when it is not bound to loopback.',
    extension: true, source: PRODUCT,
    note: 'A secret, like certificate-key: kept in the control plane\'s secret store and shown everywhere else as secret:sha256:<hex>. /health never needs it.',
    secret: true,
  },
  {
    name: 'http-client-ca', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'string',
    default: null, defaultText: 'NULL', validValuesText: 'PEM CA certificates: a file path or inline PEM',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'Mutual TLS on the management port: when set, it speaks HTTPS with the application\'s [security] certificate and certificate-key, and a client certificate issued by one of these CAs opens /status and /metrics in place of http-token.',
    extension: true, source: PRODUCT,
    note: 'Needs [security] certificate and certificate-key. A request with neither a client certificate from these CAs nor the http-token gets 401 (403 when http-token is not set); /health never needs either.',
  },
  {
    name: 'sip-trace-size', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 0, defaultText: '0', validValuesText: '0-100000', min: 0, max: 100_000, unit: 'count',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'SIP trace: how many of the most recent SIP messages each worker keeps in memory (received and sent), searchable from the SIP trace page and downloadable as pcap; 0 keeps none.',
    extension: true, source: PRODUCT,
    note: 'Off by default. Each kept message costs its size in memory (a 100,000 ring of 1 KB messages is about 100 MB per worker). Lowering it keeps the newest messages.',
  },
  {
    name: 'sip-trace-mask-secrets', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'bool',
    default: true, defaultText: 'true', validValuesText: 'true, false',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'SIP trace: replace the credentials of Authorization and Proxy-Authorization headers (the Digest response, a Basic token) with <masked> before a message is kept or mirrored.',
    extension: true, source: PRODUCT,
    note: 'Applies to messages traced from then on; what is already kept stays as it was kept.',
  },
  {
    name: 'sip-trace-mask-bodies', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'bool',
    default: false, defaultText: 'false', validValuesText: 'true, false',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'SIP trace: drop message bodies (SDP: media addresses and SRTP keys) before a message is kept or mirrored; Content-Length then says 0.',
    extension: true, source: PRODUCT,
    note: 'Applies to messages traced from then on.',
  },
  {
    name: 'sip-trace-hep-collector', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'host-port',
    default: null, defaultText: 'NULL', validValuesText: 'host:port of a Homer (HEP v3) collector',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'SIP trace: mirror every traced message to this Homer collector as HEP v3 over UDP (capture id 2001), the way Kamailio siptrace does. Unset mirrors nothing.',
    extension: true, source: PRODUCT,
    note: 'Mirrors even when sip-trace-size is 0 (then nothing is kept in memory). Masking applies to the mirror too. Fire and forget: a collector that is down costs one UDP send per message.',
  },

  {
    name: 'worker-processes', aliases: [], objects: ['sip-proxy'], section: 'sipproxy', type: 'int',
    default: 1, defaultText: '1', validValuesText: '0-64 (0 = one per core)', min: 0, max: 64, unit: 'count',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'How many processes run this SIP Proxy application on its host, sharing its SIP ports (SO_REUSEPORT): 1 is one process; 0 is one per core (os.availableParallelism()).',
    extension: true, source: PRODUCT,
    note: 'Over UDP the kernel hashes each source address and port to one process, so a transaction\'s retransmissions reach the process that holds it; each process sends from its own UDP port and names it in Via. TCP/TLS connections are spread over the processes as they are accepted. A process that dies is restarted (back-off) while the others serve. Needs the socket-options addon (backend/native) when above 1.',
  },

  // ---------------------------------------------------------------- application sip-proxy, [security]
  {
    name: 'sip-tls-sec-protocol', aliases: [], objects: ['sip-proxy'], section: 'security', type: 'enum',
    default: 'SSLv23', defaultText: 'SSLv23', validValuesText: 'SSLv23, SSLv3, TLSv1, TLSv11',
    values: ['SSLv23', 'SSLv3', 'TLSv1', 'TLSv11'],
    allowedHint: 'one of SSLv23, SSLv3, TLSv1, TLSv11 (kept for compatibility; TLS 1.2 or newer is negotiated whatever the value)',
    takesEffect: 'after-restart', takesEffectText: 'After SIP Proxy restart',
    description: 'Accepted for compatibility only: whatever its value, TLS 1.2 or newer is negotiated (see tls-min-version).',
    extension: false, source: `${GUIDE_APP}; ${GUIDE_TLS}`, relatedFeature: 'Transport Layer Security',
    note:
      'The documented values name SSL 2.0/3.0, TLS 1.0 and 1.1, all broken and refused by current TLS stacks. They are ' +
      'kept so existing configurations import, but no value enables anything older than TLS 1.2.',
  },
  {
    name: 'tls-mutual', aliases: [], objects: ['sip-proxy'], section: 'security', type: 'enum',
    default: 0, defaultText: '0', validValuesText: '0, 1', values: [0, 1],
    takesEffect: 'after-restart', takesEffectText: 'After SIP Proxy restart',
    description: '1 makes both sides present and verify certificates (mutual TLS); 0 verifies only the server certificate.',
    extension: false, source: GUIDE_TLS, relatedFeature: 'Transport Layer Security',
    note:
      'The guide says "set the tls-mutual configuration option to 1 in the security section" and that default mode ' +
      'verifies only the server, but gives no reference entry: default 0, values 0/1, restart, taken as read. ' +
      'tls-mutual 1 needs trusted-ca to verify clients.',
  },
  {
    name: 'certificate', aliases: [], objects: ['sip-proxy'], section: 'security', type: 'path-or-pem',
    default: null, defaultText: 'No default value', validValuesText: 'File path or inline PEM certificate (chain)',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'This proxy\'s TLS certificate (leaf first, then intermediates): a path relative to the document or inline PEM.',
    extension: true, source: `${PRODUCT}; named after the Genesys Security Deployment Guide option the guide refers to`,
    relatedFeature: 'Transport Layer Security', note: 'Required when the application has a tls-port.',
  },
  {
    name: 'certificate-key', aliases: [], objects: ['sip-proxy'], section: 'security', type: 'path-or-pem',
    default: null, defaultText: 'No default value', validValuesText: 'File path or inline PEM private key',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'Private key matching certificate: a path relative to the document or inline PEM.',
    extension: true, source: `${PRODUCT}; named after the Genesys Security Deployment Guide option the guide refers to`,
    relatedFeature: 'Transport Layer Security', note: 'Required when the application has a tls-port; must match certificate.',
    secret: true,
  },
  {
    name: 'trusted-ca', aliases: [], objects: ['sip-proxy'], section: 'security', type: 'path-or-pem',
    default: null, defaultText: 'No default value', validValuesText: 'File path or inline PEM CA certificate(s)',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'CA certificates trusted to verify peers; unset uses the system CAs for servers and accepts no client certificates.',
    extension: true, source: `${PRODUCT}; named after the Genesys Security Deployment Guide option the guide refers to`,
    relatedFeature: 'Transport Layer Security',
  },
  {
    name: 'tls-min-version', aliases: [], objects: ['sip-proxy'], section: 'security', type: 'enum',
    default: 'TLSv1.2', defaultText: 'TLSv1.2', validValuesText: 'TLSv1.2, TLSv1.3', values: ['TLSv1.2', 'TLSv1.3'],
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'Oldest TLS version negotiated on the TLS port and when connecting as a client.',
    extension: true, source: PRODUCT, relatedFeature: 'Transport Layer Security',
  },
  {
    name: 'verify-server-certificate', aliases: [], objects: ['sip-proxy'], section: 'security', type: 'bool',
    default: true, defaultText: 'true', validValuesText: 'true, false',
    takesEffect: 'after-restart', takesEffectText: RESTART,
    description: 'When connecting as a TLS client, verify the server\'s certificate chain and name; false only for lab set-ups.',
    extension: true, source: PRODUCT, relatedFeature: 'Transport Layer Security',
  },

  // ---------------------------------------------------------------- application sip-proxy, [log]
  {
    name: 'verbose', aliases: [], objects: ['sip-proxy'], section: 'log', type: 'enum',
    default: 'trace', defaultText: 'trace', validValuesText: 'all, debug, trace, interaction, standard, none',
    values: ['all', 'debug', 'trace', 'interaction', 'standard', 'none'],
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Lowest level of log events written: standard = the 40000-40007 events, errors and warnings; trace adds the proxy\'s other information (HA changes, configuration applied); debug/all add debug records; none writes nothing.',
    extension: true, source: `${PRODUCT}; the guide names the [log] section and defers to the Framework log options`,
    note: 'Levels as the Genesys Framework log options order them (all/debug > trace > interaction > standard > none); this product writes no interaction-level records. Default trace keeps what the worker wrote before the option was read.',
  },
  {
    name: 'standard', aliases: [], objects: ['sip-proxy'], section: 'log', type: 'list', listItem: 'log-output',
    default: 'stdout', defaultText: 'stdout', validValuesText: 'stdout, stderr, or a file name in the worker\'s log directory (comma-separated)',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Outputs of the Standard-level events (40000-40007, errors, warnings).',
    extension: true, source: `${PRODUCT}; the guide names the [log] section and defers to the Framework log options`,
    note: 'A file name (letters, digits, . _ -; no directory part) is created in the worker\'s log directory (embedded: DATA_DIR/logs/<application>; standalone: --log-dir or SIPEDGE_LOG_DIR, else the working directory), never elsewhere: a configuration editor cannot make the worker write a file of the host. A file that cannot be written is skipped and the worker goes on.',
  },
  {
    name: 'trace', aliases: [], objects: ['sip-proxy'], section: 'log', type: 'list', listItem: 'log-output',
    default: 'stdout', defaultText: 'stdout', validValuesText: 'stdout, stderr, or a file name in the worker\'s log directory (comma-separated)',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Outputs of the Trace-level records and every level above it (Interaction, Standard).',
    extension: true, source: `${PRODUCT}; the guide names the [log] section and defers to the Framework log options`,
    note: 'An output named by several options gets each record once.',
  },
  {
    name: 'debug', aliases: [], objects: ['sip-proxy'], section: 'log', type: 'list', listItem: 'log-output',
    default: null, defaultText: 'No default value', validValuesText: 'stdout, stderr, or a file name in the worker\'s log directory (comma-separated)',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Outputs of the Debug-level records and every level above it.',
    extension: true, source: `${PRODUCT}; the guide names the [log] section and defers to the Framework log options`,
  },
  {
    name: 'all', aliases: [], objects: ['sip-proxy'], section: 'log', type: 'list', listItem: 'log-output',
    default: null, defaultText: 'No default value', validValuesText: 'stdout, stderr, or a file name in the worker\'s log directory (comma-separated)',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'Outputs of the records of every level (as far as verbose lets them through).',
    extension: true, source: `${PRODUCT}; the guide names the [log] section and defers to the Framework log options`,
  },

  // ---------------------------------------------------------------- application sip-server, [TServer]
  {
    name: 'sip-address', aliases: [], objects: ['sip-server'], section: 'TServer', type: 'string',
    default: null, defaultText: 'Not given by this guide', validValuesText: 'IP address of the SIP Server interface',
    takesEffect: 'after-restart', takesEffectText: 'Not given by this guide',
    description: 'IP address of the SIP Server interface (SIP Server option the guide asks to set on both servers of the pair).',
    extension: false, sipServerOnly: true, source: GUIDE_DEPLOY_SIPS,
    note: 'Owned by SIP Server; the guide gives no default or takes-effect rule, restart assumed. Must be an IP address.',
  },
  {
    name: 'sip-outbound-proxy', aliases: [], objects: ['sip-server'], section: 'TServer', type: 'bool',
    default: null, defaultText: 'Not given by this guide', validValuesText: 'true',
    takesEffect: 'after-restart', takesEffectText: 'Not given by this guide',
    description: 'Makes SIP Server send its requests through the proxy pool of the sip-outbound-proxy DN; the guide wants true.',
    extension: false, sipServerOnly: true, source: GUIDE_DEPLOY_SIPS,
    note: 'Owned by SIP Server; the guide gives no default or takes-effect rule, restart assumed. peer-proxy-contact is used only when true. Absent is left to SIP Server; false is refused.',
  },
  {
    name: 'sip-enable-rfc3263', aliases: [], objects: ['sip-server'], section: 'TServer', type: 'bool',
    default: null, defaultText: 'Not given by this guide', validValuesText: 'true',
    takesEffect: 'after-restart', takesEffectText: 'Not given by this guide',
    description: 'Makes SIP Server locate the proxy pool by RFC 3263 (SRV) resolution; the guide wants true.',
    extension: false, sipServerOnly: true, source: GUIDE_DEPLOY_SIPS,
    note: 'Owned by SIP Server; the guide gives no default or takes-effect rule, restart assumed. Absent is left to SIP Server; false is refused.',
  },
  {
    name: 'sip-enable-gdns', aliases: [], objects: ['sip-server'], section: 'TServer', type: 'bool',
    default: null, defaultText: 'Not given by this guide', validValuesText: 'true',
    takesEffect: 'after-restart', takesEffectText: 'Not given by this guide',
    description: 'Enables SIP Server\'s DNS resolver used for the proxy pool; the guide wants true.',
    extension: false, sipServerOnly: true, source: GUIDE_DEPLOY_SIPS,
    note: 'Owned by SIP Server; the guide gives no default or takes-effect rule, restart assumed. Absent is left to SIP Server; false is refused.',
  },
  {
    name: 'resolve-external-contact', aliases: [], objects: ['sip-server'], section: 'TServer', type: 'bool',
    default: false, defaultText: 'false', validValuesText: 'true, false',
    takesEffect: 'next-call', takesEffectText: 'For the next call',
    description: 'Application-level default of the trunk option: resolve an OOSP transfer target as external by its domain.',
    extension: false, sipServerOnly: true, source: GUIDE_DN,
    note: 'The guide says it "can be set at both Application and DN levels"; the DN (trunk) value takes precedence.',
  },

  // product extension, sip-server [TServer] (cfg-docs): lets a deployment say it is a Business Continuity one
  {
    name: 'business-continuity', aliases: [], objects: ['sip-server'], section: 'TServer', type: 'bool',
    default: false, defaultText: 'false', validValuesText: 'true, false',
    takesEffect: 'immediately', takesEffectText: 'Immediately (a validation rule; SIP Proxy does not read it)',
    description: 'Marks the HA pair (set on the primary) as part of a Business Continuity deployment: its multi-site trunks, and those toward it, must use DNS resolution.',
    extension: true, sipServerOnly: true, source: `${PRODUCT}; rule from ${GUIDE_DEPLOY_MULTISITE} ("For a Business Continuity deployment, DNS resolution must be used")`,
    note: 'Only SIP Server and the validator use it: no effect on the proxy.',
  },
  // ---------------------------------------------------------------- DNs, [TServer]
  {
    name: 'contact', aliases: [], objects: ['voip-service', 'trunk', 'extension'], section: 'TServer', type: 'sip-contact',
    default: null, defaultText: 'NULL', validValuesText: 'String value',
    takesEffect: 'after-restart', takesEffectText: 'After SIP Proxy restart',
    description:
      'Where the DN is reached: the proxy pool SRV name (VoIP Service), the remote SIP Servers (trunk) or the device (extension); ";transport=tls" selects TLS.',
    extension: false, source: `${GUIDE_DN}; ${GUIDE_TLS}`,
  },
  {
    name: 'external-contact', aliases: [], objects: ['voip-service'], section: 'TServer', type: 'host-port',
    default: null, defaultText: 'NULL', validValuesText: 'FQDN of SIP Proxy resolved to A-record (host:port)',
    takesEffect: 'after-restart', takesEffectText: 'After SIP Proxy restart',
    description: 'host:port endpoints use to reach the proxy pool: a name resolving to every proxy (A records) and their common SIP port.',
    extension: false, sipServerOnly: true, source: GUIDE_DN,
    note:
      'The port must be the sip-port of every proxy of the pool ("all SIP Proxy instances listen on the same port"). ' +
      'The guide\'s "After SIP Proxy restart" is kept verbatim. Phones and SIP Server use it; the proxy only checks at ' +
      'start that its port is its own sip-port (event 40000), which validation already requires, so no accepted ' +
      'change alters what the proxy does and none leaves a restart pending (options-proven.integration-spec.ts).',
  },
  {
    name: 'oos-check', aliases: [], objects: ['voip-service', 'trunk', 'extension'], section: 'TServer', type: 'int',
    default: 5, defaultText: '5', validValuesText: '0-300', min: 0, max: 300, mandatoryMin: 1, unit: 'seconds',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'How often SIP Server probes the DN\'s contact (the proxy pool, the remote site) for out-of-service status.',
    extension: false, sipServerOnly: true, source: GUIDE_DN,
    note:
      'Mandatory on the sip-outbound-proxy VoIP Service DN and on multi-site trunks, and must not be 0 there (detection "must be enabled"). ' +
      'SIP Server\'s option: the proxy\'s own OPTIONS probes follow its [sipproxy] oos-check, never this one.',
  },
  {
    name: 'oos-force', aliases: [], objects: ['voip-service', 'trunk', 'extension'], section: 'TServer', type: 'int',
    default: 5, defaultText: '5', validValuesText: '0-30', min: 0, max: 30, unit: 'seconds',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'How long SIP Server waits for an unresponsive DN before placing it out of service (with oos-check enabled).',
    extension: false, sipServerOnly: true, source: GUIDE_DN,
    note:
      'The guide gives 0-30 here and 1-32 for the application option of the same name: different options, each keeps its range. ' +
      'SIP Server\'s option: the proxy re-probes at its own [sipproxy] oos-force, never this one.',
  },
  {
    name: 'peer-proxy-contact', aliases: [], objects: ['trunk'], section: 'TServer', type: 'host-port',
    default: null, defaultText: 'No default value', validValuesText: 'A string',
    takesEffect: 'immediately', takesEffectText: 'Immediately',
    description: 'host:port of the proxy pool serving the remote SIP Server; equals that site\'s VoIP Service DN external-contact.',
    extension: false, source: `${GUIDE_DN}; ${GUIDE_DEPLOY_MULTISITE}`,
    note: '"A string", but it must equal an external-contact, which is host:port, so host:port is required.',
  },
  {
    name: 'peer-proxy-port-tls', aliases: [], objects: ['trunk'], section: 'TServer', type: 'port',
    default: null, defaultText: 'No default value', validValuesText: 'Any valid port number', min: 1, max: 65535,
    takesEffect: 'after-restart', takesEffectText: 'After SIP Proxy restart',
    description: 'TLS port of the remote site\'s proxy pool (multi-site TLS); equals the remote proxies\' tls-port.',
    extension: false, source: `${GUIDE_DN}; ${GUIDE_TLS}`, relatedFeature: 'Transport Layer Security',
  },
  {
    name: 'peer-proxy-protocol', aliases: [], objects: ['trunk'], section: 'TServer', type: 'enum',
    default: 'udp', defaultText: 'udp', validValuesText: 'udp, tcp, tls', values: ['udp', 'tcp', 'tls'],
    takesEffect: 'after-restart', takesEffectText: 'After SIP Proxy restart',
    description: 'Transport between the remote SIP Server and its own proxy pool; tls when the remote site uses TLS internally.',
    extension: false, source: `${GUIDE_DN}; ${GUIDE_TLS}`, relatedFeature: 'Transport Layer Security',
  },
  {
    name: 'resolve-external-contact', aliases: [], objects: ['trunk'], section: 'TServer', type: 'bool',
    default: false, defaultText: 'false', validValuesText: 'true, false',
    takesEffect: 'next-call', takesEffectText: 'For the next call',
    description: 'For OOSP transfers (REFER, 302): when no local DN matches, resolve the target as external by its domain.',
    extension: false, sipServerOnly: true, source: `${GUIDE_DN}; ${GUIDE_DEPLOY_MULTISITE}`,
    note: 'Must be true on every trunk that has peer-proxy-contact (deployment procedure).',
  },
  {
    name: 'replace-uri-contact', aliases: [], objects: ['trunk'], section: 'TServer', type: 'bool',
    default: null, defaultText: 'Not given by this guide', validValuesText: 'true, false',
    takesEffect: 'next-call', takesEffectText: 'Not given by this guide',
    description: 'SIP Server trunk option the multi-site (DNS-resolution) procedure requires to be true.',
    extension: false, sipServerOnly: true, source: GUIDE_DEPLOY_MULTISITE,
    note: 'The guide names it only in the procedure (no reference entry); takes effect assumed for the next call.',
  },
  {
    name: 'request-uri', aliases: [], objects: ['trunk', 'extension'], section: 'TServer', type: 'sip-contact',
    default: null, defaultText: 'Not given by this guide', validValuesText: 'SIP URI with valid host, port and transport',
    takesEffect: 'next-call', takesEffectText: 'Not given by this guide',
    description: 'Fixed Request-URI SIP Server uses toward the DN; if set it must carry host, port and transport to reach the device.',
    extension: false, sipServerOnly: true, source: `${GUIDE_TLS} (Feature Limitations)`,
    note: 'Named only in the TLS limitations ("must be used with caution"); takes effect assumed for the next call.',
  },
  {
    name: 'service-type', aliases: [], objects: ['voip-service'], section: 'TServer', type: 'string',
    default: null, defaultText: 'NULL', validValuesText: 'Any string',
    takesEffect: 'after-restart', takesEffectText: 'After SIP Proxy restart',
    description: 'Kind of service the DN stands for; sip-outbound-proxy marks the DN that describes the proxy pool.',
    extension: false, source: GUIDE_DN,
    note: 'Exactly one VoIP Service DN per switch must have service-type sip-outbound-proxy.',
  },
  {
    name: 'sip-port-tls', aliases: [], objects: ['voip-service'], section: 'TServer', type: 'port',
    default: null, defaultText: 'No default value', validValuesText: 'Any valid port number', min: 0, max: 65535,
    takesEffect: 'after-restart', takesEffectText: 'At SIP Proxy restart',
    description: 'TLS port the proxy pool listens on; equals the tls-port of the pool\'s proxies; 0 disables TLS.',
    extension: false, source: `${GUIDE_DN}; ${GUIDE_TLS}`, relatedFeature: 'Transport Layer Security',
    note: '"Any valid port number" plus the documented 0 = TLS disabled: 0-65535.',
  },
];
