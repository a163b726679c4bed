const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true, module: 'commonjs', target: 'ES2022', esModuleInterop: true } }],
  },
  // Prisma's WASM schema engine and the OpenAPI validator's ref parser ship as ES modules. Node 22
  // and later let jest load them as they are (and then load a compiled copy as an ES module too);
  // on Node 20 they are compiled to CommonJS like our code.
  transformIgnorePatterns: [NODE_MAJOR < 22 ? '/node_modules/(?!(@prisma/schema-engine-wasm|@apidevtools/json-schema-ref-parser)/)' : '/node_modules/'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120_000,
  // Temporal's native runtime keeps a thread alive until the process exits.
  forceExit: true,
  reporters: ['default', ['<rootDir>/test/support/counts-reporter.js', { outputFile: 'test-results/counts.json' }]],
};
