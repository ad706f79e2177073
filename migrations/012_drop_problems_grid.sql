-- problems_grid (grid_code, reported_at) served no query, and every
-- problem written paid for it (2 s of a million-row import). The area
-- filter asks for the code at any level (grid, community, sub-district or
-- district: an OR that one column's index cannot answer) and walks
-- problems_reported newest first; the statistics group a period's
-- problems found by reporting time. Only deleting an area would use it
-- (the foreign key's check), and areas are re-imported by upsert, never
-- deleted.

DROP INDEX problems_grid;

---- create above / drop below ----

CREATE INDEX problems_grid ON problems (grid_code, reported_at);
