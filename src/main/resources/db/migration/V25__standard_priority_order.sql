-- Clients list the library by priority (ordering=priority or -priority), usually with a filter. At
-- 1M rows a phase's 167,000 rows were sorted for every page (a top-N sort, 150 ms of a backend).
-- With the tie-break following the order's direction, this index read forwards or backwards gives a
-- page at once, the filter applied as it goes.
CREATE INDEX standard_priority_id ON standard (priority, id);
