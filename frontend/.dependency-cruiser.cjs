/**
 * The UI's dependency rules (`npm run depcheck`, checked by `npm test`'s static tier):
 * a feature (src/features/<f>/) stands alone — it reads another feature's data through that feature's `api.ts`
 * (keys, fetchers, hooks), never through its pages; only the route table (src/app/) puts pages together;
 * api/ (transport + contract types) and lib/ (pure helpers) sit below components/ and features/; no import circles.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: split the shared part into api.ts, lib/ or components/.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'feature-imports-no-other-feature-page',
      severity: 'error',
      comment: "A feature uses another feature's api.ts (keys, fetchers, hooks), never its pages.",
      from: { path: '^src/features/([^/]+)/' },
      to: { path: '^src/features/[^/]+/.*Page\\.tsx$', pathNot: '^src/features/$1/' },
    },
    {
      name: 'feature-imports-no-other-feature-component',
      severity: 'error',
      comment: "A component another feature needs too belongs in src/components/ (the session's useAuth is the one shared provider).",
      from: { path: '^src/features/([^/]+)/' },
      to: { path: '^src/features/[^/]+/[^/]+\\.tsx$', pathNot: ['^src/features/$1/', '^src/features/auth/AuthProvider\\.tsx$'] },
    },
    {
      name: 'shared-code-imports-no-page',
      severity: 'error',
      comment: 'components/, lib/ and api/ are shared by the pages; a page belongs to the route table (src/app/routes.tsx).',
      from: { path: '^src/(components|lib|api)/' },
      to: { path: '^src/features/.*Page\\.tsx$' },
    },
    {
      name: 'api-and-lib-below-the-ui',
      severity: 'error',
      comment: 'api/ (HTTP + contract types) and lib/ (pure helpers) know nothing of components, features or the app.',
      from: { path: '^src/(api|lib)/' },
      to: { path: '^src/(components|features|app)/' },
    },
    {
      name: 'components-below-app',
      severity: 'error',
      comment: 'Shared components are used by the app and the features, not the other way round.',
      from: { path: '^src/(components|features)/' },
      to: { path: '^src/app/' },
    },
    {
      name: 'ui-shares-only-the-option-registry',
      severity: 'error',
      comment:
        "The UI shares the server's pure option registry and check (@contracts/options/*, tsconfig.app.json paths and vite.config.ts alias); " +
        'nothing else of the backend: generated API types come from the OpenAPI document, not from backend sources.',
      from: { path: '^src/' },
      to: { path: '^\\.\\./backend/', pathNot: '^\\.\\./backend/src/contracts/options/' },
    },
    {
      name: 'shared-backend-code-is-browser-safe',
      severity: 'error',
      comment:
        'Backend code the UI bundles (contracts/options and what it reaches, e.g. sip/address.ts) imports no node:* module and no npm package: ' +
        'move the platform part out (the option registry keeps sockets out by backend rule option-registry-has-no-sockets).',
      from: { path: '^\\.\\./backend/' },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.app.json' },
    tsPreCompilationDeps: true,
  },
};
