import { defineConfig } from 'vitest/config';

// Test tiers by suffix (see README "Tests"): unit = pure, no I/O beyond tmp files;
// int = app.inject() and embedded adapters; e2e = real processes / real servers.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,libs}/*/src/**/*.unit.spec.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'int',
          include: ['{apps,libs}/*/src/**/*.int.spec.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['{apps,libs}/*/src/**/*.e2e.spec.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
