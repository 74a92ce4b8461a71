-- CSV exports may prefix cells that a spreadsheet would run as formulas with ' (escape_formulas);
-- kept with the job, so that a resumed or retried export writes the same way.
ALTER TABLE export_jobs ADD COLUMN escape_formulas boolean NOT NULL DEFAULT false;
ALTER TABLE exports ADD COLUMN escape_formulas boolean NOT NULL DEFAULT false;
