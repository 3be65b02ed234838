// Worker tests run inside the real Workers runtime (workerd via Miniflare) with local D1, R2 and Queues.
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { mkdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

export default defineConfig(async () => {
  // wrangler.toml's assets folder must exist even before the first site build (clean checkout).
  mkdirSync('./dist', { recursive: true });
  const migrations = await readD1Migrations('./worker/migrations');
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        main: './worker/src/index.ts',
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            OPERATOR_TOKEN: 'operator-test-token',
            PASSWORD_SCRYPT: 'ln=10,r=8,p=1',
            REBUILD_HOOK_TOKEN: 'hook-test-token',
            REBUILD_HOOK_URL: `${inject('hookUrl')}/rebuild`,
            HOOK_URL: inject('hookUrl'),
            // Test-only: the local producer server of the resource tests (never allowed outside tests).
            ALLOW_PRIVATE_FETCH_FOR_TESTS: inject('fileServerHost'),
            FILE_SERVER_HOST: inject('fileServerHost'),
          },
        },
      })),
    ],
    test: {
      include: ['test/worker/**/*.test.ts'],
      globalSetup: ['./test/worker/hook-server.global.ts', './test/worker/publish-resources-server.global.ts'],
      setupFiles: ['./test/worker/apply-migrations.ts'],
    },
  };
});
