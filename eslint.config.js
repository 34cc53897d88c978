import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

/** Layer rules: dependencies point one way (app -> ui -> store/render/worker -> engine). */
const forbid = (patterns, message) => ['error', { patterns: patterns.map((group) => ({ group, message })) }];

export default tseslint.config(
  { ignores: ['dist', 'dist-e2e', 'node_modules', 'test-results', 'playwright-report', 'bench', '.gpu-kit', '.scratch'] },
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
    // Import cycles fail the lint, type-only imports included (they still tangle the layers).
    files: ['src/**/*.{ts,tsx}', 'e2e/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/extensions': ['.ts', '.tsx', '.js'],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
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
    files: ['src/worker/**/*.ts'],
    ignores: ['src/worker/**/*.test.ts', 'src/worker/client.ts', 'src/worker/wasmPaths.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [['react', 'react-dom', 'zustand', 'zustand/*', '**/ui/**', '**/store/**', '**/app/**', '**/render/**', '**/cli/**']],
        'worker/ adapts engine/ to the protocol: no UI, store, app or render imports.',
      ),
    },
  },
  {
    // The protocol is the contract both sides import as a type: it holds types only.
    files: ['src/worker/protocol/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['ImportDeclaration[importKind="value"]', 'ExportAllDeclaration[exportKind="value"]', 'VariableDeclaration', 'FunctionDeclaration', 'ClassDeclaration', 'TSEnumDeclaration'].map((selector) => ({
          selector,
          message: 'worker/protocol/ holds types only (import type, interfaces, type aliases).',
        })),
      ],
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
        [['@tensorflow/*', 'react-dom', '**/ui/**', '**/app/**'], ['**/worker/*/**', '!**/worker/protocol', '!**/worker/protocol/*']],
        'store/ never imports tf, the UI or the worker\'s insides (only worker/client and worker/protocol).',
      ),
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/app/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': forbid(
        [['@tensorflow/*'], ['**/app/**'], ['**/worker/*/**', '!**/worker/protocol', '!**/worker/protocol/*']],
        'The UI never imports @tensorflow/* or the worker\'s insides; it talks to the worker client and the store.',
      ),
    },
  },
);
