// Lint: typescript-eslint's type-aware recommended rules, plus the one architectural rule of this
// repository: imports point down the layers (test, scripts, localnet -> src -> services -> machines).
// docs/architecture.md explains the layers; this file is what enforces them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ABOVE_SERVICES = ['src', 'localnet', 'scripts', 'test'];

/**
 * A folder may not import from the folders listed for it (relative imports only: packages are fine). In
 * services/, the three outside systems: consul/ is the door the other two go through and imports neither;
 * neard/ (the process and its guard) and pool/ (the pool's records) do not import each other. A sub-folder's
 * entry is the whole list, since a later entry replaces an earlier one for the files both match.
 */
const FORBIDDEN_IMPORTS = {
  machines: ['services', 'src', 'localnet', 'scripts', 'test'],
  services: ABOVE_SERVICES,
  'services/consul': [...ABOVE_SERVICES, 'neard', 'pool'],
  'services/neard': [...ABOVE_SERVICES, 'pool'],
  'services/pool': [...ABOVE_SERVICES, 'neard'],
  src: ['localnet', 'scripts', 'test'],
  localnet: ['scripts', 'test'],
};

const layerRules = Object.entries(FORBIDDEN_IMPORTS).map(([folder, forbidden]) => ({
  files: [`${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
            message: `${folder}/ may not import from ${forbidden.join(', ')}/: imports point down the layers (docs/architecture.md).`,
          },
        ],
      },
    ],
  },
}));

/**
 * Unit tests are pure: no child process, no port, no sleep, no Consul (docs/architecture.md, "Test tiers").
 * These are the doors to those; test/support/unit-tier-guard.ts catches what comes in through another import.
 */
const UNIT_TIER_MESSAGE = 'unit tests are pure (no process, port, sleep or Consul): put this test in test/integration/ (docs/architecture.md, "Test tiers").';
const IMPURE_MODULES = [
  'child_process', 'cluster', 'net', 'http', 'https', 'http2', 'dgram', 'timers/promises',
].flatMap((name) => [name, `node:${name}`]).concat(['ws', 'playwright-core', '@statelyai/inspect/server']);
/** test/support/ (and other test folders) modules that start Consul, daemons, CLIs, servers, or wait on real time. */
const IMPURE_SUPPORT =
  '^\\.\\./(support/(consul|consul-acl|consul-tls|counted-consul|daemon-cluster|hostile-http|kuutamoctl|kuutamod|pool-members|ports|process-state|promtool|stable-leader|until)\\.js$|chaos/|bench/|\\.\\./localnet/neard/harness\\.js$)';
const unitTierRules = {
  files: ['test/unit/**/*.ts', 'test/model/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: IMPURE_MODULES.map((name) => ({ name, message: UNIT_TIER_MESSAGE })),
        patterns: [{ regex: IMPURE_SUPPORT, message: UNIT_TIER_MESSAGE }],
      },
    ],
    'no-restricted-globals': ['error', ...['setTimeout', 'setInterval', 'fetch'].map((name) => ({ name, message: UNIT_TIER_MESSAGE }))],
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.data/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `_`-prefixed names are deliberately unused (callback signatures).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Off: here `async` without `await` is how a function keeps a promise-returning contract, and the
      // alternative is worse. Fastify awaits an async route, hook or plugin and sends what it returns,
      // while a sync route returning reply.send()'s reply is sent twice; the chaos harness's Fault
      // interface returns promises because some faults wait, and the others keep its shape. A
      // forgotten `await` is still caught, by no-floating-promises and no-misused-promises.
      '@typescript-eslint/require-await': 'off',
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
    },
  },
  // The /ui page's browser code has its own tsconfig (DOM library, no Node types), which the project
  // service cannot find on its own (it only looks for files named tsconfig.json): name it here, so
  // these files are linted with the types they are built with.
  {
    files: ['src/ui/browser/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './tsconfig.browser.json', tsconfigRootDir: import.meta.dirname } },
  },
  // The two bin/ shims are plain JavaScript outside the TypeScript project: no type information, so
  // no type-aware rules and no project service (it would report them as files of no project).
  {
    files: ['bin/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    // Merged, not replaced: disableTypeChecked's parserOptions are what switch the project service off.
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { process: 'readonly' } },
  },
  ...layerRules,
  unitTierRules,
);
