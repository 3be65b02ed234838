// Worker tests run inside the real Workers runtime (workerd via Miniflare) with local D1, R2 and Queues.
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

export default defineConfig(async () => {
  // wrangler.toml's assets folder must exist even before the first site build (clean checkout).
  mkdirSync('./dist', { recursive: true });
  const migrations = await readD1Migrations('./worker/migrations');
  const datastoreMigrations = await readD1Migrations('./worker/migrations-datastore');
  // The datastore's bad-input corpus, handed to the tests as base64 (workerd has no file system).
  const tabularDir = './test/fixtures/tabular/files/';
  const tabularFixtures = Object.fromEntries(readdirSync(tabularDir).map((name) => [name, readFileSync(tabularDir + name).toString('base64')]));
  const geoDir = './test/fixtures/geo/';
  const geoFixtures = Object.fromEntries(readdirSync(geoDir).filter((n) => !n.endsWith('.sh')).map((name) => [name, readFileSync(geoDir + name).toString('base64')]));
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        main: './worker/src/index.ts',
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            TEST_DATASTORE_MIGRATIONS: datastoreMigrations,
            TABULAR_FIXTURES: tabularFixtures,
            GEO_FIXTURES: geoFixtures,
            OPERATOR_TOKEN: 'operator-test-token',
            PASSWORD_SCRYPT: 'ln=10,r=8,p=1',
            REBUILD_HOOK_TOKEN: 'hook-test-token',
            REBUILD_HOOK_URL: `${inject('hookUrl')}/rebuild`,
            HOOK_URL: inject('hookUrl'),
            // Test-only: the local producer server of the resource tests (never allowed outside tests).
            ALLOW_PRIVATE_FETCH_FOR_TESTS: inject('fileServerHost'),
            FILE_SERVER_HOST: inject('fileServerHost'),
          },
          // Miniflare's local send_email binding: checks and logs the MIME message, so the Cloudflare mail
          // transport is tested without sending anything.
          email: { send_email: [{ name: 'MAILER' }] },
          // Tests drive the queue consumer themselves (worker.queue with a built batch). Sent jobs go to a queue no
          // consumer reads, so no background ingest or rebuild races a test or the next test's table reset.
          queueProducers: { JOBS: { queueName: 'portail-jobs-unconsumed' } },
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
