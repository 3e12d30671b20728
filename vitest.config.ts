import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC compiles the tests and sources: NestJS's dependency injection needs the decorator metadata that
// esbuild/oxc do not emit. Unit tests need nothing running; e2e tests boot the real app against the
// PostgreSQL and Redis of the machine, in a database and Redis key prefix of their own (global setup).
const swcPlugin = swc.vite({ module: { type: 'es6' }, jsc: { target: 'es2023' } });

export default defineConfig({
  plugins: [swcPlugin],
  test: {
    reporters: ['default'],
    projects: [
      {
        plugins: [swcPlugin],
        test: {
          name: 'unit',
          include: ['src/**/*.spec.ts', 'test/unit/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        plugins: [swcPlugin],
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e-spec.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/setup-file.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
          // One file at a time: the files share the e2e database and queues, and each file's app sweeps
          // the outbox by its own (often moved) clock, so two at once would send each other's rows
          // written for later, whatever the machine's core count.
          fileParallelism: false,
        },
      },
    ],
  },
});
