import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Only the composition root (src/persistence.module.ts) and storage's own code pick a database. */
const NOT_STORAGE = {
  group: ['**/storage/**'],
  message: 'Only src/persistence.module.ts chooses a database: depend on the ports, not on src/storage/.',
};
const NO_DRIVERS = {
  group: ['better-sqlite3', 'pg'],
  message: 'Database drivers are used only in src/storage/.',
};

/** The import rule for code outside src/storage/, with a folder's own restrictions added. */
const outsideStorage = (...patterns) => ({
  'no-restricted-imports': ['error', { patterns: [NOT_STORAGE, NO_DRIVERS, ...patterns] }],
});

/** What the pages may use besides their own modules. */
const BROWSER_GLOBALS = Object.fromEntries(
  [
    'window',
    'document',
    'location',
    'history',
    'navigator',
    'fetch',
    'EventSource',
    'localStorage',
    'sessionStorage',
    'URL',
    'URLSearchParams',
    'AbortController',
    'Intl',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'requestAnimationFrame',
    'cancelAnimationFrame',
    'console',
    'matchMedia',
    'getComputedStyle',
    'performance',
    'HTMLElement',
    'Node',
    'Event',
    'CustomEvent',
    'KeyboardEvent',
    'ResizeObserver',
    'IntersectionObserver',
    'structuredClone',
    'queueMicrotask',
    'DOMParser',
    'crypto',
    'atob',
    'Blob',
  ].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'test-output/**', 'client/schema.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  // Boundaries (docs/architecture.md). For one rule the last matching block wins, so each block
  // repeats the ones before it that still apply (`outsideStorage`).
  {
    files: ['src/**/*.ts'],
    ignores: ['src/storage/**', 'src/persistence.module.ts', '**/*.spec.ts'],
    rules: outsideStorage(),
  },
  {
    files: ['src/event-store/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: outsideStorage({
      group: ['**/agreements/**'],
      message: 'The event store knows nothing of agreements.',
    }),
  },
  {
    files: ['src/import/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: outsideStorage({
      group: ['**/event-store/**'],
      message: 'An importer records through the command path (RecordAgreementEvents), never the store.',
    }),
  },
  {
    files: ['src/**/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'typeorm', 'better-sqlite3', 'pg', 'rxjs'],
              message: 'The domain stays pure.',
            },
            {
              group: ['../read/**', '../write/**', '../http/**', '../../**', '!../../domain/**'],
              message: 'The domain imports nothing outside itself (and zod).',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'The clock comes with the command.',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'The clock comes with the command.',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  // The pages stay plain browser code: ES modules of their own folder, the browser's globals, no
  // Node, no packages, nothing from the server's TypeScript (the page asks the API instead).
  {
    files: ['src/web/public/**/*.js'],
    languageOptions: { sourceType: 'module', globals: BROWSER_GLOBALS },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: '^(?!\\./)', message: 'A page imports only its sibling modules (./x.js).' }],
        },
      ],
    },
  },
);
