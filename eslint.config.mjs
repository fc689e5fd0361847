// ESLint flat config: typescript-eslint's recommended rules for all project code (TypeScript in
// shared/, tasks/, emulator/, test/, bench/, demo/, local-runner/, devkit/; ES modules in scripts/). Type checking itself is
// tsc's job (`npm run build`), so no type-aware rules here: lint stays fast and needs no program.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Node globals for the plain-JavaScript build scripts (TypeScript files get them from @types/node).
const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'clearImmediate',
    'queueMicrotask',
    'structuredClone',
    'AbortController',
    'AbortSignal',
    'TextEncoder',
    'TextDecoder',
    'fetch',
  ].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  {
    ignores: ['build/', 'dist/', 'node_modules/', 'coverage/', '.nyc_output/', '**/*.d.ts'],
  },
  {
    files: ['{shared,tasks,emulator,test,bench,demo,scripts,local-runner,devkit}/**/*.{ts,mts,cts,js,mjs,cjs}', '*.{mjs,js,cjs}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: nodeGlobals,
    },
    rules: {
      // `_`-prefixed names mark deliberately unused parameters and destructured values.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Input validation and log scrubbing match control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // package.json has no "type": "module", so .js files are CommonJS like .cjs.
    files: ['**/*.{js,cjs}'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { ...nodeGlobals, require: 'readonly', module: 'writable', __dirname: 'readonly', __filename: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests use chai-style expressions and non-null assertions on fixtures freely.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
);
