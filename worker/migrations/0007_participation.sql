-- Participation (issue 5): access requests, subscriptions and their notifications, messages to producers,
-- reports and their moderation, requests for missing data. Réutilisations use the showcases tables of 0001.

CREATE TABLE access_requests (
  id                      TEXT PRIMARY KEY,
  dataset_id              TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  resource_id             TEXT REFERENCES resources(id) ON DELETE CASCADE,  -- NULL: every restricted resource of the dataset
  requester_id            TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  reason                  TEXT NOT NULL,
  status                  TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'granted', 'refused')),
  granted_to              TEXT CHECK (granted_to IN ('user', 'organization')),
  granted_organization_id TEXT REFERENCES organizations(id) ON DELETE SET NULL,
  decided_by              TEXT REFERENCES users(id) ON DELETE SET NULL,
  decision_message        TEXT,
  created_at              TEXT NOT NULL,
  decided_at              TEXT
);
CREATE INDEX access_requests_dataset ON access_requests(dataset_id, status);
CREATE INDEX access_requests_requester ON access_requests(requester_id, created_at);

CREATE TABLE subscriptions (               -- s'abonner à un jeu de données, une organisation, une thématique
  id                TEXT PRIMARY KEY,
  user_id           TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  object_type       TEXT NOT NULL CHECK (object_type IN ('dataset', 'organization', 'theme')),
  object_id         TEXT NOT NULL,
  frequency         TEXT NOT NULL DEFAULT 'immediate' CHECK (frequency IN ('immediate', 'daily')),
  unsubscribe_token TEXT NOT NULL UNIQUE,  -- random secret of the one-click link in every mail
  created_at        TEXT NOT NULL,
  UNIQUE (user_id, object_type, object_id)
);
CREATE INDEX subscriptions_object ON subscriptions(object_type, object_id);

-- What followers have been told about: the published datasets as last seen (updated_at), so every publishing path
-- (forms, CKAN API, import, sync) is noticed by comparing, whatever recorded the change.
CREATE TABLE subscription_seen_datasets (
  dataset_id TEXT PRIMARY KEY,
  updated_at TEXT NOT NULL
);

CREATE TABLE subscription_events (         -- waiting for the daily digest
  id              INTEGER PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
  dataset_id      TEXT NOT NULL,
  dataset_slug    TEXT NOT NULL,
  dataset_title   TEXT NOT NULL,
  event           TEXT NOT NULL CHECK (event IN ('appeared', 'changed', 'resource_added')),
  detail          TEXT NOT NULL DEFAULT '',
  created_at      TEXT NOT NULL
);
CREATE INDEX subscription_events_subscription ON subscription_events(subscription_id);

CREATE TABLE producer_messages (           -- contact the producer: the log (the addresses never reach the sender)
  id             TEXT PRIMARY KEY,
  dataset_id     TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  sender_user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  sender_name    TEXT NOT NULL,
  sender_email   TEXT NOT NULL,
  recipient      TEXT NOT NULL,            -- 'owner', 'broadcaster' or 'organization'
  body           TEXT NOT NULL,
  created_at     TEXT NOT NULL
);

CREATE TABLE content_reports (             -- signalements
  id               TEXT PRIMARY KEY,
  object_type      TEXT NOT NULL CHECK (object_type IN ('dataset', 'resource', 'showcase')),
  object_id        TEXT NOT NULL,
  object_title     TEXT NOT NULL,
  reporter_user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  reporter_email   TEXT NOT NULL,
  reason           TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'hidden', 'deleted', 'dismissed')),
  decided_by       TEXT REFERENCES users(id) ON DELETE SET NULL,
  decision_message TEXT,
  created_at       TEXT NOT NULL,
  decided_at       TEXT
);
CREATE INDEX content_reports_status ON content_reports(status, created_at);

CREATE TABLE data_requests (               -- demandes de données manquantes
  id             TEXT PRIMARY KEY,
  user_id        TEXT REFERENCES users(id) ON DELETE SET NULL,
  name           TEXT NOT NULL,
  email          TEXT NOT NULL,
  title          TEXT NOT NULL,
  description    TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'forwarded', 'closed')),
  reply          TEXT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
CREATE INDEX data_requests_status ON data_requests(status, created_at);
