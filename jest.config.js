/** NestJS 12 is ESM-only: jest runs in native ESM mode (NODE_OPTIONS=--experimental-vm-modules). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.spec.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // @fastify/static (CommonJS, loaded by the Swagger UI) requires content-disposition 3, which is
  // ESM-only: Node 20 loads that natively, jest's runtime only on Node 24.9+, so jest compiles it to CJS.
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', isolatedModules: true }],
    '/node_modules/content-disposition/.+\\.js$': [
      'ts-jest',
      {
        useESM: false,
        isolatedModules: true,
        tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node10' },
      },
    ],
  },
  testTimeout: 60000,
};
