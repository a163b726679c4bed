// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/** Workflow code is replayed: it must not reach the outside world or anything non-deterministic. */
const deterministicCode = {
  'no-restricted-imports': 'off',
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: [
        ...nodeBuiltins.map((name) => ({ name, message: 'Workflow and domain code runs in a deterministic sandbox: no Node built-ins.' })),
        { name: '@temporalio/activity', message: 'Activities run in the worker, not in workflow code.' },
        { name: '@temporalio/client', message: 'Workflows cannot use the client; use child workflows or activities.' },
        { name: '@temporalio/worker', message: 'Workflows cannot use the worker.' },
        { name: 'pino', message: 'Use the workflow logger (log from @temporalio/workflow).' },
      ],
      patterns: [
        { group: ['**/activities', '**/activities/*'], allowTypeImports: true, message: 'Import activities as types only and call them through proxyActivities.' },
        { group: ['**/generated/prisma/**', '**/runtime/**', '**/api/**', '**/services/**'], message: 'Workflow and domain code does no I/O.' },
      ],
    },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'process', message: 'No process access in deterministic code.' },
    { name: 'fetch', message: 'Do I/O in an activity.' },
    { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow.' },
    { name: 'require', message: 'Use imports.' },
    { name: 'Buffer', message: 'Not available in the workflow sandbox.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'generated/', '.tools/', '.data/', '.cluster/', 'coverage/', 'test-results/', '**/*.js', '!eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  { files: ['workflows/**/*.ts', 'domain/**/*.ts'], rules: deterministicCode },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Domain rules take the time as an argument.' },
        { object: 'Math', property: 'random', message: 'Domain rules are deterministic.' },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'The domain folder imports nothing from Node.' })),
          patterns: [{ group: ['@temporalio/*', '**/activities', '**/runtime/**', '**/api/**', '**/services/**', '**/workflows/**', '**/generated/**'], message: 'The domain is pure: it depends on nothing but luxon.' }],
        },
      ],
    },
  },
  {
    // Layers point one way: the HTTP and page layers use services and activities, never the reverse.
    files: ['services/**/*.ts', 'activities/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/api', '**/api/**', '**/web', '**/web/**'], message: 'Services and activities do not depend on the HTTP or page layer: throw a Refusal (services/refusal.ts), and let api/ map it.' }] },
      ],
    },
  },
  { files: ['bin/**/*.ts', 'bench/**/*.ts', 'drills/**/*.ts', 'prisma/migrate.ts', 'test/replay/record-histories.ts'], rules: { 'no-console': 'off' } },
  { files: ['eslint.config.mjs'], ...tseslint.configs.disableTypeChecked },
);
