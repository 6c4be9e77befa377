// Lint: typescript-eslint's type-aware recommended rules, plus the one architectural rule of this
// repository: imports point down the layers (test, scripts, localnet -> src -> services -> machines).
// docs/architecture.md explains the layers; this file is what enforces them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A folder may not import from the folders listed for it (relative imports only: packages are fine). */
const FORBIDDEN_IMPORTS = {
  machines: ['services', 'src', 'localnet', 'scripts', 'test'],
  services: ['src', 'localnet', 'scripts', 'test'],
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

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.data/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `_`-prefixed names are deliberately unused (callback signatures).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
    },
  },
  // The two bin/ shims are plain JavaScript outside the TypeScript project.
  { files: ['bin/**/*.js'], ...tseslint.configs.disableTypeChecked, languageOptions: { globals: { process: 'readonly' } } },
  ...layerRules,
);
