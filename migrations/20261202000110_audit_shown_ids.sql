-- A list page's audit row names the cases or concerns it showed, so that "who has seen this
-- case" includes everyone who saw it in a list, not only those who opened it.
alter table audit_events add column shown_ids uuid[] not null default '{}';
create index audit_events_shown_idx on audit_events using gin (shown_ids);
