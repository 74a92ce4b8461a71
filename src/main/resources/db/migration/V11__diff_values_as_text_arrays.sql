-- A diff entry's states were JSON objects, built by PostgreSQL for every changed row of an import:
-- a third of the cost of storing a diff. They are now the stored fields' values as text, in model
-- order (NULL: the item did not exist before, or will not after); Freight renders them as JSON when
-- the diff is read, and the apply casts them back to the columns' types. Standard content is the only
-- model so far, so every existing entry is converted by its fields.
ALTER TABLE import_diffs
  ALTER COLUMN original DROP NOT NULL,
  ALTER COLUMN new DROP NOT NULL,
  ALTER COLUMN original TYPE text[] USING CASE WHEN op = 1 THEN NULL ELSE ARRAY[original ->> 'id',
    original ->> 'title', original ->> 'text', original ->> 'problem', original ->> 'priority',
    original ->> 'phase', original ->> 'active', original ->> 'match_conditions', original ->> 'tags'] END,
  ALTER COLUMN new TYPE text[] USING CASE WHEN op = 3 THEN NULL ELSE ARRAY[new ->> 'id', new ->> 'title',
    new ->> 'text', new ->> 'problem', new ->> 'priority', new ->> 'phase', new ->> 'active',
    new ->> 'match_conditions', new ->> 'tags'] END;
