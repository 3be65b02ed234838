import { applyD1Migrations, env } from 'cloudflare:test';
import { beforeEach } from 'vitest';

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// Storage persists across tests of a file: each test starts from the migrated, empty catalogue.
const DATA_TABLES = ['showcase_datasets', 'showcases', 'resource_allowed_organizations', 'resource_allowed_users', 'resource_versions',
  'resources', 'dataset_tags', 'tags', 'dataset_themes', 'datasets', 'memberships', 'organizations', 'users', 'catalogue_changes', 'audit_log'];

beforeEach(async () => {
  await env.DB.batch(DATA_TABLES.map((table) => env.DB.prepare(`DELETE FROM ${table}`)));
});
