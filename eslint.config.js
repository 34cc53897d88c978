import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** Layer rules: dependencies point one way (app -> ui -> store/render/worker -> engine). */
const forbid = (patterns, message) => ['error', { patterns: patterns.map((group) => ({ group, message })) }];

export default tseslint.config(
  { ignores: ['dist', 'dist-e2e', 'node_modules', 'test-results', 'playwright-report', 'bench'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      'no-empty': ['error', { allowEmptyCatch: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.tsx', 'src/ui/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.test.ts', 'src/engine/testing/**'],
    rules: {
      'no-restricted-imports': forbid(
        [['react', 'react-dom', 'zustand', '**/ui/**', '**/store/**', '**/render/**', '**/worker/**', '**/app/**', '**/cli/**', 'node:*', 'fs', 'path']],
        'engine/ is pure ML: no React, zustand, DOM layers or Node modules.',
      ),
    },
  },
  {
    files: ['src/render/**/*.ts'],
    ignores: ['src/render/**/*.test.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['react', 'react-dom', 'zustand', '@tensorflow/*', '**/engine/**', '**/ui/**', '**/store/**', '**/worker/**', '**/app/**']],
        'render/ holds pure drawing helpers: no React, no tf, no other layers.',
      ),
    },
  },
  {
    files: ['src/store/**/*.ts'],
    ignores: ['src/store/**/*.test.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['@tensorflow/*', 'react-dom', '**/ui/**', '**/app/**']],
        'store/ never imports tf or the UI; engine types may be imported with `import type`.',
      ),
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/app/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': forbid(
        [['@tensorflow/*'], ['**/app/**']],
        'The UI never imports @tensorflow/*; it talks to the worker client and the store.',
      ),
    },
  },
);
