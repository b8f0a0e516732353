-- The lists that showed a case or a concern, read in order. An audit row of a list page names
-- what it showed in `shown_ids`, and the access log and the access request found those rows
-- through a GIN index on that array: a bitmap of every list view that ever showed the case,
-- read and sorted in full before the newest page of them could be shown. A case on a
-- coordinator's list is shown by every look at the list, so that read grew with the use of
-- the system (65,000 list views of one case in a month: 39 ms, against 1 ms for the rest of
-- its access log). Here every shown id gets a row of its own, keyed by the id and the time, so
-- that the newest list views of a case are an index range read backwards, like its own rows.
--
-- The rows are the trail's own: written by a trigger in the statement that writes the audit
-- row (a list page cannot record one without the other) and never changed; the app's role may
-- only read them. They stay as long as the trail's rows do; a row whose audit row is gone is
-- never shown, since every read joins the audit row back by its key.

-- No audit row is written while this runs (a trigger is created on the trail anyway, which
-- takes this lock), so that none is written between the copy below and the trigger.
lock table audit_events in share row exclusive mode;

-- The key comes after the rows there are: built once, not row by row (23 s against 135 s for
-- 14.6 million ids shown at 300,000 cases).
create table audit_shown (
    shown_id uuid not null,
    occurred_at timestamptz not null,
    audit_id bigint not null
);
insert into audit_shown (shown_id, occurred_at, audit_id)
select s.id, a.occurred_at, a.id
from audit_events a, lateral (select distinct u from unnest(a.shown_ids) u) s(id)
where cardinality(a.shown_ids) > 0;
alter table audit_shown add primary key (shown_id, occurred_at, audit_id);

create function audit_events_note_shown() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
    insert into audit_shown (shown_id, occurred_at, audit_id)
    select distinct s, new.occurred_at, new.id from unnest(new.shown_ids) s;
    return null;
end;
$$;
revoke execute on function audit_events_note_shown() from public;

-- On the partitioned table, so every month, present and future, has it.
create trigger audit_events_note_shown
    after insert on audit_events
    for each row when (cardinality(new.shown_ids) > 0)
    execute function audit_events_note_shown();

-- Like the trail, never changed or emptied; the owner is stopped too.
create trigger audit_shown_no_update
    before update on audit_shown
    for each row execute function audit_events_refuse_change();
create trigger audit_shown_no_truncate
    before truncate on audit_shown
    for each statement execute function audit_events_refuse_change();

-- The schema's default privileges gave the app's role every right on the new table: it reads.
revoke insert, update, delete, truncate on audit_shown from infohus_runtime;

-- Nothing reads shown_ids through the GIN index any more; it only cost every list view.
drop index audit_events_shown_idx;

analyze audit_shown;
