-- Makes FerretDB 1.24's pushed-down filters use indexes (applied by postgres.sh
-- to the `ferretdb` database on every start; idempotent).
--
-- Why: FerretDB turns `{field: value}` into `_jsonb -> 'field' @> '"value"'`, but
-- the indexes it creates for createIndex are btree on `(_jsonb -> 'field')`, and
-- btree cannot answer `@>`. So every find, even by _id, was a sequential scan:
-- 7 ms per query at 20,000 documents, growing with the collection. A GIN
-- (jsonb_path_ops) index on the same expression answers `@>`: 1.3 ms.
--
-- How: whenever a btree index on `(_jsonb -> 'field', ...)` is created (by
-- FerretDB, for createIndex and for `_id`), an event trigger adds a GIN index on
-- its first field. Existing btree indexes are covered once below.

CREATE OR REPLACE FUNCTION support_desk_gin_for_index(btree_index oid) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  def text;
  tbl regclass;
  field text;
BEGIN
  SELECT pg_get_indexdef(i.indexrelid), i.indrelid::regclass INTO def, tbl FROM pg_index i WHERE i.indexrelid = btree_index;
  IF def IS NULL OR def NOT LIKE '%USING btree (((_jsonb -> %' THEN
    RETURN;
  END IF;
  -- The first key: (_jsonb -> 'name'::text), quotes in names doubled.
  field := replace((regexp_match(def, $re$USING btree \(\(\(_jsonb -> '((?:[^']|'')*)'::text\)\)$re$))[1], '''''', '''');
  IF field IS NULL THEN
    RETURN;
  END IF;
  EXECUTE format(
    -- fastupdate off: each write updates the index itself, instead of a pending list
    -- that a later, unlucky write flushes (a latency spike of its own).
    'CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((_jsonb -> %L) jsonb_path_ops) WITH (fastupdate = off)',
    left(split_part(tbl::text, '.', 2), 40) || '_' || left(md5(field), 8) || '_gin',
    tbl,
    field
  );
END
$fn$;

CREATE OR REPLACE FUNCTION support_desk_gin_on_create_index() RETURNS event_trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  cmd record;
BEGIN
  FOR cmd IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE object_type = 'index' LOOP
    PERFORM support_desk_gin_for_index(cmd.objid); -- our own GIN index comes back here and is skipped
  END LOOP;
END
$fn$;

DROP EVENT TRIGGER IF EXISTS support_desk_gin_on_create_index;
CREATE EVENT TRIGGER support_desk_gin_on_create_index ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION support_desk_gin_on_create_index();

-- Indexes created before this trigger existed.
SELECT support_desk_gin_for_index(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%';
