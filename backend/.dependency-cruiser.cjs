/** The architecture's dependency rule (docs/architecture.md, "Layout"). */
module.exports = {
  forbidden: [
    {
      name: 'sip-is-framework-free',
      comment: 'backend/src/sip imports only node:* built-ins and other files of the SIP stack (tests beside the code, *.spec.ts, may use the test tools)',
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
      name: 'nothing-imports-the-control-plane',
      severity: 'error',
      from: { pathNot: '^src/control-plane/' },
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
      name: 'proxy-core-is-the-top-of-the-stack',
      comment: 'only the worker (and tests) use the intake; response contexts and branches reach it through ProxyPort',
      severity: 'error',
      from: { path: '^src/sip/', pathNot: ['^src/sip/proxy/proxy-core\\.ts$', '\\.spec\\.ts$', '^src/sip/bench/'] },
      to: { path: '^src/sip/proxy/proxy-core\\.ts$' },
    },
    {
      name: 'keeper-stays-small',
      comment: 'the keeper of an embedded worker must not share the proxy\'s failure modes: node:*, the log and its state file only',
      severity: 'error',
      from: { path: '^src/worker/keeper\\.ts$' },
      to: { pathNot: ['^node:', '^src/worker/log\\.ts$', '^src/contracts/keeper-state\\.ts$', '^src/contracts/log-events\\.ts$'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'relay-policy-is-a-pure-decision',
      comment: 'the relay policy decides from facts the intake gives it: no transports, transactions or the core',
      severity: 'error',
      from: { path: '^src/sip/proxy/relay-policy\\.ts$' },
      to: { path: ['^src/sip/(transport|transaction|ha)/', '^src/sip/proxy/(proxy-core|response-context|branch|outbound)\\.ts$'] },
    },
    {
      name: 'control-plane-does-not-import-the-worker',
      comment: 'the control plane talks to workers only through the worker protocol (contracts/); it has its own event log (common/event-log.ts)',
      severity: 'error',
      from: { path: '^src/control-plane/' },
      to: { path: '^src/worker/' },
    },
    { name: 'no-circular-in-sip', severity: 'warn', from: { path: '^src/sip/' }, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
