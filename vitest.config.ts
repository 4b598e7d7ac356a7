import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most tests wait on Redis, timers and child processes, not the CPU: three files at once on two cores.
    maxWorkers: 3,
    // Every test namespaces its Redis keys and queues, so files may run side by side.
    fileParallelism: true,
    reporters: ['default'],
  },
});
