-- Catalogue model (D1 `DB`). Later migrations add columns and tables; they never rewrite these.
-- Ids are UUID strings (harvesters key on them); slugs are the public, human-readable keys.
-- Timestamps are ISO 8601 UTC strings; dates (creation/modification/publication) are YYYY-MM-DD.

CREATE TABLE licences (
  id          TEXT PRIMARY KEY,             -- CKAN licence id, e.g. 'lov2', 'odc-odbl'
  title       TEXT NOT NULL,
  url         TEXT,
  is_open     INTEGER NOT NULL DEFAULT 1,
  position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE themes (                       -- thématiques (CKAN groups)
  id          TEXT PRIMARY KEY,
  slug        TEXT NOT NULL UNIQUE,
  title       TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  iso_topic   TEXT NOT NULL,                -- ISO 19115 MD_TopicCategoryCode
  position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE users (
  id                 TEXT PRIMARY KEY,
  username           TEXT NOT NULL UNIQUE,  -- ^[-a-z0-9_]{3,100}$
  email              TEXT NOT NULL UNIQUE COLLATE NOCASE,
  first_name         TEXT NOT NULL DEFAULT '',
  last_name          TEXT NOT NULL DEFAULT '',
  phone              TEXT,
  password_hash      TEXT,
  email_confirmed_at TEXT,
  is_admin           INTEGER NOT NULL DEFAULT 0,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL
);

CREATE TABLE organizations (
  id                 TEXT PRIMARY KEY,
  slug               TEXT NOT NULL UNIQUE,
  legal_name         TEXT NOT NULL UNIQUE,  -- raison sociale
  org_type           TEXT NOT NULL,         -- see domain/vocabulary.ts ORGANIZATION_TYPES
  description        TEXT NOT NULL DEFAULT '',  -- Markdown
  logo_key           TEXT,                  -- R2 key
  website            TEXT,
  email              TEXT,
  phone              TEXT,
  address            TEXT,
  postcode           TEXT,
  city               TEXT,
  territory_code     TEXT,                  -- territoire de compétence, e.g. 'region:76', 'departement:34', 'commune:34172'
  territory_name     TEXT,
  email_domains      TEXT NOT NULL DEFAULT '[]', -- JSON array of the organisation's own mail domains
  default_licence_id TEXT REFERENCES licences(id),
  is_active          INTEGER NOT NULL DEFAULT 1,
  is_partner         INTEGER NOT NULL DEFAULT 0,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL
);

CREATE TABLE memberships (
  user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  role            TEXT NOT NULL CHECK (role IN ('member', 'contributor', 'referent')),
  created_at      TEXT NOT NULL,
  PRIMARY KEY (user_id, organization_id, role)
);

CREATE TABLE datasets (
  id                 TEXT PRIMARY KEY,
  slug               TEXT NOT NULL UNIQUE,  -- CKAN 'name'
  title              TEXT NOT NULL,
  description        TEXT NOT NULL DEFAULT '',  -- Markdown
  organization_id    TEXT NOT NULL REFERENCES organizations(id),
  creator_user_id    TEXT REFERENCES users(id) ON DELETE SET NULL,
  licence_id         TEXT NOT NULL REFERENCES licences(id),
  update_frequency   TEXT NOT NULL DEFAULT 'never',
  granularity        TEXT NOT NULL DEFAULT 'undefined',
  geocover           TEXT NOT NULL DEFAULT 'computed' CHECK (geocover IN ('computed', 'regional', 'jurisdiction', 'bbox')),
  bbox_west          REAL, bbox_south REAL, bbox_east REAL, bbox_north REAL,  -- WGS84
  territory_code     TEXT,
  territory_name     TEXT,
  temporal_start     TEXT,
  temporal_end       TEXT,
  data_types         TEXT NOT NULL DEFAULT '[]', -- JSON subset of ["open","smart","geo"]
  owner_name         TEXT,                  -- producteur (CKAN author)
  owner_email        TEXT,
  broadcaster_name   TEXT,                  -- diffuseur (CKAN maintainer)
  broadcaster_email  TEXT,
  date_created       TEXT NOT NULL,
  date_modified      TEXT NOT NULL,
  date_published     TEXT NOT NULL,
  published          INTEGER NOT NULL DEFAULT 0,  -- 0 = brouillon (draft)
  default_access     TEXT NOT NULL DEFAULT 'public',
  thumbnail_key      TEXT,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL          -- metadata_modified for harvesters
);
CREATE INDEX datasets_org ON datasets(organization_id);
CREATE INDEX datasets_updated ON datasets(updated_at);

CREATE TABLE dataset_themes (
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  theme_id   TEXT NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
  PRIMARY KEY (dataset_id, theme_id)
);

CREATE TABLE tags (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE dataset_tags (
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  tag_id     INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY (dataset_id, tag_id)
);
CREATE INDEX dataset_tags_tag ON dataset_tags(tag_id);

CREATE TABLE resources (
  id              TEXT PRIMARY KEY,
  dataset_id      TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  position        INTEGER NOT NULL DEFAULT 0,
  title           TEXT NOT NULL,
  description     TEXT NOT NULL DEFAULT '',  -- Markdown
  lang            TEXT NOT NULL DEFAULT 'fr',
  format          TEXT NOT NULL,             -- see domain/vocabulary.ts FORMATS
  resource_type   TEXT NOT NULL DEFAULT 'raw' CHECK (resource_type IN ('raw', 'documentation', 'service')),
  source_mode     TEXT NOT NULL CHECK (source_mode IN ('upload', 'url_download', 'url_reference', 'sftp')),
  source_url      TEXT,                      -- url_download / url_reference
  sftp_path       TEXT,
  file_key        TEXT,                      -- R2 key of the current version
  file_name       TEXT,
  media_type      TEXT,
  size_bytes      INTEGER,
  sha256          TEXT,
  crs             TEXT,
  encoding        TEXT,
  access_level    TEXT NOT NULL DEFAULT 'public'
                  CHECK (access_level IN ('public', 'registered', 'listed_users', 'listed_organizations', 'same_organization')),
  sync_frequency  TEXT NOT NULL DEFAULT 'never',
  download_count  INTEGER NOT NULL DEFAULT 0,
  created_at      TEXT NOT NULL,
  modified_at     TEXT NOT NULL
);
CREATE INDEX resources_dataset ON resources(dataset_id, position);

CREATE TABLE resource_versions (            -- every stored file version, newest = resources.file_key
  id          TEXT PRIMARY KEY,
  resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  file_key    TEXT NOT NULL,
  file_name   TEXT NOT NULL,
  media_type  TEXT,
  size_bytes  INTEGER NOT NULL,
  sha256      TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX resource_versions_resource ON resource_versions(resource_id, created_at);

CREATE TABLE resource_allowed_users (
  resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (resource_id, user_id)
);

CREATE TABLE resource_allowed_organizations (
  resource_id     TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  PRIMARY KEY (resource_id, organization_id)
);

CREATE TABLE showcases (                    -- réutilisations
  id             TEXT PRIMARY KEY,
  slug           TEXT NOT NULL UNIQUE,
  title          TEXT NOT NULL,
  description    TEXT NOT NULL DEFAULT '',  -- Markdown
  url            TEXT,
  image_key      TEXT,
  showcase_type  TEXT NOT NULL DEFAULT 'application'
                 CHECK (showcase_type IN ('application', 'visualization', 'article', 'api', 'other')),
  author_user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  author_name    TEXT,
  published      INTEGER NOT NULL DEFAULT 1,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);

CREATE TABLE showcase_datasets (
  showcase_id TEXT NOT NULL REFERENCES showcases(id) ON DELETE CASCADE,
  dataset_id  TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  PRIMARY KEY (showcase_id, dataset_id)
);

CREATE TABLE catalogue_changes (            -- what each publish changed; the rebuild queue carries its id
  id          INTEGER PRIMARY KEY,
  changed_at  TEXT NOT NULL,
  reason      TEXT NOT NULL,
  object_type TEXT,
  object_id   TEXT
);

CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  at          TEXT NOT NULL,
  actor       TEXT NOT NULL,                -- user id, 'operator' or 'system'
  action      TEXT NOT NULL,
  object_type TEXT,
  object_id   TEXT,
  detail      TEXT NOT NULL DEFAULT '{}'    -- JSON
);

INSERT INTO licences (id, title, url, is_open, position) VALUES
  ('lov2', 'Licence Ouverte v2.0 (Etalab)', 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/', 1, 1),
  ('odc-odbl', 'Open Data Commons Open Database License (ODbL)', 'https://opendatacommons.org/licenses/odbl/1-0/', 1, 2),
  ('odc-by', 'Open Data Commons Attribution License (ODC-BY)', 'https://opendatacommons.org/licenses/by/1-0/', 1, 3),
  ('cc-by', 'Creative Commons Attribution (CC-BY)', 'https://creativecommons.org/licenses/by/4.0/', 1, 4),
  ('cc-by-sa', 'Creative Commons Attribution Share-Alike (CC-BY-SA)', 'https://creativecommons.org/licenses/by-sa/4.0/', 1, 5),
  ('cc-zero', 'Creative Commons CCZero (CC0)', 'https://creativecommons.org/publicdomain/zero/1.0/', 1, 6),
  ('aplc', 'Licence APLC', NULL, 0, 7),
  ('other-open', 'Autre licence ouverte', NULL, 1, 8),
  ('other-at', 'Autre licence spécifique', NULL, 0, 9);

INSERT INTO themes (id, slug, title, iso_topic, position) VALUES
  ('9a859d82-dbdc-4ebe-b06b-9703146ec0ac', 'administration-et-action-publique', 'Administration et action publique', 'boundaries', 1),
  ('5cb96a52-0338-4192-b84c-95f35ed42a84', 'agriculture', 'Agriculture', 'farming', 2),
  ('05d00350-5e21-46d4-a1dd-f2f204a8c7ab', 'amenagement-du-territoire-et-urbanisme', 'Aménagement du territoire et urbanisme', 'planningCadastre', 3),
  ('83ebcaff-1007-4e22-b229-fd4e59691c70', 'biodiversite-et-eau', 'Biodiversité et eau', 'biota', 4),
  ('e658dde3-3835-49bb-9222-f33499e2ceea', 'citoyennete-et-democratie', 'Citoyenneté et démocratie', 'society', 5),
  ('dd1b60c1-4e21-4c15-9733-c52386caefcb', 'climat-air-et-energie', 'Climat, air et énergie', 'climatologyMeteorologyAtmosphere', 6),
  ('fa8ccfb7-362c-4122-95fc-07d4eb76ff59', 'culture-patrimoine-et-tourisme', 'Culture, patrimoine et tourisme', 'society', 7),
  ('a025d831-adea-4c21-851d-35d1775f9379', 'economie-et-entreprises', 'Économie et entreprises', 'economy', 8),
  ('937b98ce-030e-4993-a976-414eefbf2aa5', 'equipements-batiments-et-logements', 'Équipements, bâtiments et logements', 'structure', 9),
  ('1cf53db8-226b-48eb-a5b2-89971ed09206', 'formation-education-et-emploi', 'Formation, éducation et emploi', 'society', 10),
  ('628d7f07-2a50-4db0-b85d-a7b215d5c948', 'mobilite-et-transports', 'Mobilité et transports', 'transportation', 11),
  ('8f8e4133-b7c9-4333-b6e4-4d0ca10e7916', 'nuisances-dechets-et-risques', 'Nuisances, déchets et risques', 'environment', 12),
  ('45f62718-68c8-4f5d-8341-a233fb0c344c', 'occupation-des-sols', 'Occupation des sols', 'imageryBaseMapsEarthCover', 13),
  ('8c9e7c04-059a-469d-a7be-36726e395ecc', 'social-sante-et-sports', 'Social, santé et sports', 'health', 14);
