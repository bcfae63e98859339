/** NestJS 12 is ESM-only: jest runs in native ESM mode (NODE_OPTIONS=--experimental-vm-modules). */
const project = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', isolatedModules: true }],
  },
};

export default {
  // One real PostgreSQL for the run (test/support/postgres.ts), unless TEST_DATABASE_URL is set.
  globalSetup: '<rootDir>/test/support/postgres.global-setup.ts',
  globalTeardown: '<rootDir>/test/support/postgres.global-teardown.ts',
  testTimeout: 60000,
  projects: [
    {
      ...project,
      displayName: 'sqlite',
      testMatch: [
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/test/**/*.e2e-spec.ts',
        '<rootDir>/test/**/*.spec.ts',
      ],
    },
    // The HTTP suites (API, read models, live feed) once more, each app on a fresh PostgreSQL database
    // (startApp reads TEST_DB).
    {
      ...project,
      displayName: 'postgres',
      testMatch: [
        '<rootDir>/test/http/**/*.e2e-spec.ts',
        '<rootDir>/test/read/**/*.e2e-spec.ts',
        '<rootDir>/test/live/**/*.e2e-spec.ts',
        // These reach the database only through the API; the other security and audit suites also
        // open the SQLite file or run the CLI on it, so they stay on SQLite.
        '<rootDir>/test/audit/export.e2e-spec.ts',
        '<rootDir>/test/audit/csv-injection.e2e-spec.ts',
        '<rootDir>/test/security/first-start.e2e-spec.ts',
        '<rootDir>/test/security/idempotency.e2e-spec.ts',
        '<rootDir>/test/security/door.e2e-spec.ts',
      ],
      setupFiles: ['<rootDir>/test/support/on-postgres.ts'],
    },
  ],
};
