import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Every test namespaces its Redis keys and queues, so files may run side by side.
    fileParallelism: true,
    reporters: ['default'],
  },
});
