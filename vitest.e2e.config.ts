// End-to-end tests: the real portal (`npm start`: wrangler dev + site builds) driven by Debian's Chromium.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['./test/e2e/portal.global.ts'],
    setupFiles: ['./test/e2e/quiet-portal.setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    // A page waits on a Worker that may be busy with a queue job (an ingest runs in the same local isolate):
    // conditions get 30 s, not expect.poll's default second.
    expect: { poll: { timeout: 30_000 } },
  },
});
