import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const pureFolders = [
  'src/engine/**',
  'src/sparse/**',
  'src/data/**',
  'src/url/**',
  'src/config/**',
  'src/record/**',
  'src/sweep/**',
  'src/onnx/**',
];

/** Module boundaries (as excalidraw does): the pure core knows nothing of React, the DOM or the GPU. */
const noUi = [
  {
    group: ['react', 'react-dom', 'react-dom/*', 'recharts', 'zustand', 'zustand/*'],
    message: 'The engine, sparse, data and url modules are pure TypeScript: no UI libraries.',
  },
  {
    group: [
      '**/gpu/**',
      '**/gpu',
      '**/cpu/**',
      '**/cpu',
      '**/worker/**',
      '**/state/**',
      '**/components/**',
    ],
    message: 'Pure modules depend only on each other.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist',
      'dist-e2e',
      'node_modules',
      'public/data',
      'test-results',
      'playwright-report',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: pureFolders,
    // Tests may wire the pure engine to the CPU backend; the modules themselves may not.
    ignores: ['**/*.test.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', { patterns: noUi }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'self', 'fetch'],
    },
  },
  {
    files: ['src/components/**'],
    rules: {
      // The typed twin of the core rule, for `allowTypeImports` below.
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/state/store',
                '**/state/runner',
                '**/state/selectors',
                'zustand',
                'zustand/*',
              ],
              message: 'Components use the store only through src/state (its index).',
            },
            {
              group: ['**/gpu/**', '**/gpu', '**/cpu/**', '**/cpu', '**/worker/**'],
              message: 'Components talk to training only through the store.',
            },
            {
              // Components draw what the store's selectors computed; they may name its types.
              group: [
                '**/engine/**',
                '**/engine',
                '**/sparse/**',
                '**/sparse',
                '**/config/**',
                '**/config',
              ],
              allowTypeImports: true,
              message:
                'Components import the engine, sparse and config modules for types only: derived figures come from selectors in src/state.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**'],
    ignores: ['src/gpu/**', 'src/worker/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'navigator',
          property: 'gpu',
          message: 'Only src/gpu (and the worker that hands it in) touches navigator.gpu.',
        },
      ],
    },
  },
  {
    files: ['scripts/**', 'e2e/**', '*.config.{js,ts}'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
