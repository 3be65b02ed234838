-- The style of a geographic layer (domain/style.ts, as JSON): drives WMS GetMap, the legend and the dataset page's
-- web map. No row: the default style of the layer's geometry type.
CREATE TABLE layer_styles (
  resource_id TEXT PRIMARY KEY REFERENCES resources(id) ON DELETE CASCADE,
  style       TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  updated_by  TEXT REFERENCES users(id) ON DELETE SET NULL
);
