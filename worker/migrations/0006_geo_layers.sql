-- Geographic layers: one per ingested geographic resource, the single source of layer facts for WMS, WFS, tiles and
-- the dataset page. The served files are in R2 under layers/{resource_id}/{version_id}/ (layer.fgb, layer.pmtiles);
-- a new ingest writes a new version and only then replaces these facts, so a failed ingest keeps the previous
-- layer served (status and error describe the latest attempt, version_id the served files).
CREATE TABLE geo_layers (
  resource_id     TEXT PRIMARY KEY REFERENCES resources(id) ON DELETE CASCADE,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name            TEXT NOT NULL,                -- OGC layer / type name (NCName), unique in the organisation
  title           TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'running', 'ready', 'failed')),
  progress        REAL NOT NULL DEFAULT 0,      -- 0..1 of the latest attempt
  error           TEXT,                         -- French message of the latest failed attempt
  source_crs      TEXT,                         -- e.g. 'EPSG:2154', or the .prj name when not an EPSG code
  geometry_type   TEXT,                         -- 'Point' | 'MultiPoint' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon'
  feature_count   INTEGER,
  bbox            TEXT,                         -- JSON [minx, miny, maxx, maxy] in EPSG:4326 (lon/lat)
  fields          TEXT NOT NULL DEFAULT '[]',   -- JSON [{ name, type: 'string' | 'integer' | 'number' | 'boolean' }]
  fgb_key         TEXT,                         -- R2 key of the served FlatGeobuf (features in EPSG:4326)
  pmtiles_key     TEXT,                         -- R2 key of the served PMTiles v3 archive
  version_id      TEXT,                         -- served version (null until the first ingest succeeds)
  source_sha256   TEXT,                         -- resource file the served version was made from
  updated_at      TEXT NOT NULL,
  UNIQUE (organization_id, name)
);
