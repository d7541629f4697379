/** The architecture's dependency rule (docs/architecture.md, "Layout"). */
module.exports = {
  forbidden: [
    {
      name: 'sip-is-framework-free',
      comment:
        'backend/src/sip imports only node:* built-ins and other files of the SIP stack (tests beside the code, *.spec.ts, may use the test tools)',
      severity: 'error',
      from: { path: '^src/sip/', pathNot: '\\.spec\\.ts$' },
      to: { pathNot: ['^src/sip/', '^node:'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'sip-uses-only-node-core',
      comment: 'no npm packages in the SIP stack',
      severity: 'error',
      from: { path: '^src/sip/', pathNot: '\\.spec\\.ts$' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'src-ships-no-test-support',
      comment:
        'test doubles and fixtures live in backend/test/ (support/, fixtures/), which the build does not compile; only the specs beside the code (*.spec.ts) may import them',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^test/' },
    },
    {
      name: 'sip-has-one-door',
      comment:
        'code outside src/sip (worker, contracts, benches, the test tree and its support kits) uses the SIP stack through its public API, src/sip/index.ts, only (and the platform-free src/sip/address.ts it re-exports); files inside src/sip (their specs too) may import siblings (src/sip/README.md "The door")',
      severity: 'error',
      from: { pathNot: '^src/sip/' },
      to: { path: '^src/sip/', pathNot: ['^src/sip/index\\.ts$', '^src/sip/address\\.ts$'] },
    },
    {
      name: 'sip-address-is-platform-free',
      comment:
        'sip/address.ts (the address type, the DNS-server and network parsers) imports nothing, not even node:*, so the option registry can share it with the browser; it is the second file outside code may import',
      severity: 'error',
      from: { path: '^src/sip/address\\.ts$' },
      to: {},
    },
    {
      name: 'option-registry-has-no-sockets',
      comment:
        'the option registry (contracts/options) checks option values with pure code: it reaches no socket module (the DNS client, node:dgram, node:net), so the UI can share it',
      severity: 'error',
      from: { path: '^src/contracts/options/', pathNot: '\\.spec\\.ts$' },
      to: { path: ['^(node:)?(dgram|net|tls|dns)$', '^src/sip/(proxy|transport)/'], reachable: true },
    },
    {
      name: 'nothing-imports-the-control-plane',
      comment: 'the test tree (test/) drives the control plane and is the exception',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/control-plane/' },
      to: { path: '^src/control-plane/' },
    },
    {
      name: 'contracts-are-framework-free',
      severity: 'error',
      from: { path: '^src/contracts/' },
      to: { path: ['^src/control-plane/', '^src/worker/'] },
    },
    {
      name: 'worker-uses-contracts-and-sip-only',
      severity: 'error',
      from: { path: '^src/worker/' },
      to: { path: '^src/control-plane/' },
    },
    {
      name: 'sip-ha-below-the-proxy',
      comment: 'HA monitoring (sip/ha) knows SIP Servers, not the proxy or routing that use it',
      severity: 'error',
      from: { path: '^src/sip/ha/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/sip/(proxy|routing)/' },
    },
    {
      name: 'dns-and-outbound-below-the-proxy',
      comment:
        'sip/dns (RFC 3263 over the stub resolver) and sip/outbound (RFC 5626 flows) serve the proxy and know nothing of it, of routing or of transactions',
      severity: 'error',
      from: { path: '^src/sip/(dns|outbound)/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/sip/(proxy|routing|transaction|ha)/' },
    },
    {
      name: 'routing-below-the-proxy',
      comment:
        'routing/ decides targets from the runtime configuration (sip/config.ts) and facts it is given; it knows nothing of the proxy that asks',
      severity: 'error',
      from: { path: '^src/sip/routing/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/sip/proxy/' },
    },
    {
      name: 'proxy-core-is-the-top-of-the-stack',
      comment:
        'only the worker (and tests) use the intake, through the door (index.ts); response contexts and branches reach it through ProxyPort',
      severity: 'error',
      from: { path: '^src/sip/', pathNot: ['^src/sip/proxy/proxy-core\\.ts$', '^src/sip/index\\.ts$', '\\.spec\\.ts$', '^src/sip/bench/'] },
      to: { path: '^src/sip/proxy/proxy-core\\.ts$' },
    },
    {
      name: 'keeper-stays-small',
      comment: "the keeper of an embedded worker must not share the proxy's failure modes: node:*, the log and its state file only",
      severity: 'error',
      from: { path: '^src/worker/keeper\\.ts$' },
      to: {
        pathNot: ['^node:', '^src/worker/log\\.ts$', '^src/contracts/keeper-state\\.ts$', '^src/contracts/log-events\\.ts$'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'group-shared-state-below-the-worker',
      comment:
        "the worker group's shared state (worker/group: HA view, overload shares, flow handoff, their IPC messages) sees the proxy through the SIP door and small interfaces; the worker uses it, not the other way (group-rig.ts, a member entry, is the exception)",
      severity: 'error',
      from: { path: '^src/worker/group/(group-channel|group-shared-state|shared-ha-view|group-overload|flow-handoff)\\.ts$' },
      to: { path: '^src/(worker/(?!group/)|control-plane/)' },
    },
    {
      name: 'relay-policy-is-a-pure-decision',
      comment: 'the relay policy decides from facts the intake gives it: no transports, transactions or the core',
      severity: 'error',
      from: { path: '^src/sip/proxy/relay-policy\\.ts$' },
      to: { path: ['^src/sip/(transport|transaction|ha|outbound|dns)/', '^src/sip/proxy/(proxy-core|response-context|branch)\\.ts$'] },
    },
    {
      name: 'control-plane-does-not-import-the-worker',
      comment:
        'the control plane talks to workers only through the worker protocol (contracts/); it has its own event log (common/event-log.ts)',
      severity: 'error',
      from: { path: '^src/control-plane/' },
      to: { path: '^src/worker/' },
    },
    {
      name: 'transport-is-below-the-stack',
      comment:
        'sip/transport (RFC 3261 §18) knows nothing of the layers above it: what it needs from them (which connections carry a registered flow) comes in as a callback',
      severity: 'error',
      from: { path: '^src/sip/transport/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/sip/(transaction|proxy|routing|ha)/' },
    },
    {
      name: 'worker-registry-is-bookkeeping',
      comment:
        'control-plane/modules/workers/worker-registry.ts holds the worker state the job providers share (channels, last reports, disconnected episodes) and decides nothing: it reaches no database, alarm, notification or other provider',
      severity: 'error',
      from: { path: '^src/control-plane/modules/workers/worker-registry\\.ts$' },
      to: { path: '^src/control-plane/', pathNot: '^src/control-plane/modules/workers/instance-events\\.ts$' },
    },
    {
      name: 'workers-module-surface',
      comment:
        'the rest of the control plane uses the workers module through its module, its exported read model (service-state.service.ts), the embedded supervisor (main.ts starts it) and its entities; the job providers stay inside',
      severity: 'error',
      from: { path: '^src/control-plane/', pathNot: '^src/control-plane/modules/workers/' },
      to: {
        path: '^src/control-plane/modules/workers/',
        pathNot:
          '^src/control-plane/modules/workers/(workers\\.module|service-state\\.service|embedded-supervisor|worker\\.entities)\\.ts$',
      },
    },
    {
      name: 'no-circular-in-workers',
      comment: 'the worker job providers depend one way (registry <- watchdog <- stream/intake); Nest would need forwardRef otherwise',
      severity: 'error',
      from: { path: '^src/control-plane/modules/workers/' },
      to: { circular: true },
    },
    {
      name: 'no-circular-in-sip',
      comment:
        'the SIP stack depends one way, layer by layer and file by file (e.g. transport-layer -> connection-manager -> tls-context, which owns SipTlsOptions)',
      severity: 'error',
      from: { path: '^src/sip/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
