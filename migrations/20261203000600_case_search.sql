-- The case list's search criterion, kept with the list's audit row (who searched for whom).
alter table audit_events add column search text;
