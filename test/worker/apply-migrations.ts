import { applyD1Migrations, env } from 'cloudflare:test';
import { beforeEach } from 'vitest';

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await applyD1Migrations(env.DATASTORE, env.TEST_DATASTORE_MIGRATIONS);

// Reference data seeded by the migrations; every other table is emptied before each test.
const REFERENCE_TABLES = new Set(['licences', 'themes', 'terms_versions', 'd1_migrations']);
const tables = await env.DB.prepare(
  "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
).all<{ name: string }>();
const DATA_TABLES = tables.results.map((t) => t.name).filter((name) => !REFERENCE_TABLES.has(name));

// Storage persists across tests of a file: each test starts from the migrated, empty catalogue.
beforeEach(async () => {
  await env.DB.batch([
    env.DB.prepare('PRAGMA defer_foreign_keys = on'),
    ...DATA_TABLES.map((table) => env.DB.prepare(`DELETE FROM "${table}"`)),
  ]);
});

// The datastore starts empty too: its registry and every per-resource table.
beforeEach(async () => {
  const tables = await env.DATASTORE.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'ds\\_%' ESCAPE '\\'")
    .all<{ name: string }>();
  // FTS tables (`_fts`, `_fts2`…) first, their shadow tables go with them.
  const ordered = tables.results.map((t) => t.name).filter((n) => !/_fts\d*_(data|idx|docsize|config|content)$/.test(n))
    .sort((a, b) => Number(/_fts\d*$/.test(b)) - Number(/_fts\d*$/.test(a)));
  await env.DATASTORE.batch([
    ...ordered.map((name) => env.DATASTORE.prepare(`DROP TABLE IF EXISTS "${name}"`)),
    env.DATASTORE.prepare('DELETE FROM datastore_resources'),
  ]);
});
