-- The default view of a datastore resource (a chart a contributeur saved from the explorer), shown first to
-- visitors. Kept in the catalogue database: it is editorial content tied to the resource, and user SQL
-- (datastore_search_sql) can never reach it there.
CREATE TABLE resource_views (
  resource_id TEXT PRIMARY KEY REFERENCES resources(id) ON DELETE CASCADE,
  config      TEXT NOT NULL,                    -- JSON SavedView (worker/src/domain/datastore-chart.ts)
  updated_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
  updated_at  TEXT NOT NULL
);
