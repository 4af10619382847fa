import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Lib boundaries are the architecture: a domain lib that imports a database client
// or an adapter that imports an app fails lint, and CI runs lint.
const infraModules = [
  'fastify',
  '@fastify/*',
  'kafkajs',
  'mongodb',
  '@aws-sdk/*',
  '@eventstore/*',
  'pg',
  'better-sqlite3',
  'pino',
  'node:fs',
  'node:fs/promises',
  'node:net',
  'node:http',
];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/data/**', '.infra-data/**', '.nx/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          // The composition root imports a port lib's entry point statically and its adapter
          // subpaths (`/kafka`, `/sqlite`, …) with import(): distinct entry points, so the
          // adapter's client library still loads only where that adapter is chosen.
          checkDynamicDependenciesExceptions: [
            '@support-desk/event-bus',
            '@support-desk/event-store',
            '@support-desk/read-model',
            '@support-desk/blob-store',
            '@support-desk/personal-data',
          ],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:contracts', 'type:domain', 'type:adapter', 'type:util', 'type:testing'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:adapter', 'type:util', 'type:testing'] },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:adapter', 'type:util', 'type:testing'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:adapter', 'type:util', 'type:testing'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:domain'],
              bannedExternalImports: infraModules,
            },
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: ['type:contracts'],
              bannedExternalImports: infraModules.filter((m) => m !== 'node:fs' && m !== 'node:fs/promises'),
            },
          ],
        },
      ],
    },
  },
];
