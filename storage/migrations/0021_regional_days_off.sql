-- Days off of one region (issue #15, part 7): a regency's own day off (a local election
-- day, a regional anniversary) for the sites under one agency only. NULL: national, as
-- every correction made before.
ALTER TABLE holiday_overrides ADD COLUMN agency_id INTEGER REFERENCES agencies(id);
