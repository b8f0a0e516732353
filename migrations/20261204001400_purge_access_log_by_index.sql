-- The access log purge (20261204000300_retention.sql) deletes the same rows as before, now
-- found through the audit trail's object index: first the ids of the cases whose access log
-- expired and of their purged concerns, then the audit rows about them. The old form joined
-- every audit row to the expired cases with an OR, which PostgreSQL answers by reading the
-- whole trail: across the monthly partitions (20261204001300_audit_partitions.sql) that took
-- 12 s at 20 million audit rows (19 s with JIT), past the app's statement_timeout, against
-- 40 ms this way. The trigger audit_events_refuse_delete still checks every row it deletes.
create or replace function infohus_purge_access_log(p_now timestamptz) returns bigint
language plpgsql security definer set search_path = public, pg_temp as $$
declare
    n bigint;
begin
    perform set_config('infohus.access_log_purge_now', p_now::text, true);
    delete from audit_events a
    where a.object_type in ('case', 'concern')
      and a.object_id in (
          select x.id
          from cases c
          join municipalities m on m.id = c.municipality_id
          cross join lateral (select c.id union all select p.id from purged_concerns p where p.case_id = c.id) x
          where c.purged_at is not null
            and c.purged_at < p_now - make_interval(years => (m.profile -> 'retention' ->> 'access_log_years')::int));
    get diagnostics n = row_count;
    perform set_config('infohus.access_log_purge_now', '', true);
    return n;
end;
$$;
