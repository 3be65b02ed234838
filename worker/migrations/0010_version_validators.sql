-- Where a downloaded version came from and the server's validators for it (ETag, Last-Modified): a sync of the same
-- URL asks "changed since?" and, on 304 Not Modified, neither downloads nor writes to R2. NULL for uploads, SFTP
-- deposits and versions stored before this migration (their first sync with the same bytes fills them).
ALTER TABLE resource_versions ADD COLUMN source_url TEXT;
ALTER TABLE resource_versions ADD COLUMN etag TEXT;
ALTER TABLE resource_versions ADD COLUMN last_modified TEXT;
