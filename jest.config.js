/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Prisma's WASM schema engine and the OpenAPI validator's ref parser ship as ES modules;
    // compile them to CommonJS like our code.
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true, module: 'commonjs', target: 'ES2022', esModuleInterop: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@prisma/schema-engine-wasm|@apidevtools/json-schema-ref-parser)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120_000,
  // Temporal's native runtime keeps a thread alive until the process exits.
  forceExit: true,
  reporters: ['default', ['<rootDir>/test/support/counts-reporter.js', { outputFile: 'test-results/counts.json' }]],
};
