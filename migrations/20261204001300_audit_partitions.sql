-- The audit trail, partitioned by month of `occurred_at`, so that a month of it can be read,
-- vacuumed, backed up or (one day) detached on its own. The table keeps its name, columns,
-- defaults, CHECK lists, foreign keys, index names and triggers; its primary key becomes
-- (id, occurred_at), since a key of a partitioned table must hold the partition key.
--
-- A partition is one calendar month in UTC, named audit_events_yYYYYmMM: [the 1st 00:00 UTC,
-- the next month's 1st 00:00 UTC). A row written just after midnight Danish time on the 1st
-- (22:00 or 23:00 UTC the day before) lands in the month before; nothing reads by partition,
-- so only the bounds are in UTC. audit_events_default takes any row no month is made for yet,
-- so that writing an audit row never fails; infohus_audit_partitions makes the months ahead
-- (the app calls it daily for today to twelve months ahead).
--
-- The app's role keeps what it had on the table (see 20261202000130_runtime_role.sql: read and
-- add, never change or remove) and has nothing on a partition itself: it reaches the rows
-- through audit_events only.

-- The old table steps aside, freeing the names of its primary key, indexes and identity
-- sequence for the new table's; it is dropped at the end (DROP fires none of its triggers).
alter table audit_events rename to audit_events_unpartitioned;
alter table audit_events_unpartitioned rename constraint audit_events_pkey to audit_events_unpartitioned_pkey;
alter index audit_events_object_idx rename to audit_events_unpartitioned_object_idx;
alter index audit_events_actor_idx rename to audit_events_unpartitioned_actor_idx;
alter index audit_events_municipality_idx rename to audit_events_unpartitioned_municipality_idx;
alter index audit_events_shown_idx rename to audit_events_unpartitioned_shown_idx;
do $$
begin
    execute format('alter sequence %s rename to audit_events_unpartitioned_id_seq',
                   pg_get_serial_sequence('audit_events_unpartitioned', 'id'));
end
$$;

-- Append-only: who did what to which object. Never passwords, tokens or free text.
create table audit_events (
    id bigint generated always as identity,
    occurred_at timestamptz not null,
    actor_user_id uuid,
    action text not null,
    object_type text,
    object_id uuid,
    municipality_id uuid,
    police_district_id uuid,
    request_id text,
    shown_ids uuid[] not null default '{}',
    search text,
    purpose text,
    detail jsonb
) partition by range (occurred_at);

-- The lists of known codes (audit_events_action_known, audit_events_object_type_known,
-- audit_events_purpose_known), word for word as the last migration to change each left it.
do $$
declare
    c record;
begin
    for c in
        select conname, pg_get_constraintdef(oid) as def
        from pg_constraint
        where conrelid = 'audit_events_unpartitioned'::regclass and contype = 'c'
        order by conname
    loop
        execute format('alter table audit_events add constraint %I %s', c.conname, c.def);
    end loop;
end
$$;

-- Append-only, as before (20261204000300_retention.sql): no UPDATE, no DELETE but the access
-- log purge's, no TRUNCATE. The row triggers are cloned onto every partition, present and
-- future; a TRUNCATE trigger is not, so each partition gets its own (a partition truncated by
-- name fires only its own triggers).
create trigger audit_events_no_update
    before update on audit_events
    for each row execute function audit_events_refuse_change();
create trigger audit_events_no_delete
    before delete on audit_events
    for each row execute function audit_events_refuse_delete();
create trigger audit_events_no_truncate
    before truncate on audit_events
    for each statement execute function audit_events_refuse_change();

create table audit_events_default partition of audit_events default;
create trigger audit_events_no_truncate
    before truncate on audit_events_default
    for each statement execute function audit_events_refuse_change();
-- The schema's default privileges gave the app's role rows on the new partition: it gets none.
do $$
declare
    g record;
begin
    for g in
        select distinct a.grantee
        from pg_class c, aclexplode(c.relacl) a
        where c.oid = 'audit_events_default'::regclass and a.grantee <> c.relowner
    loop
        execute format('revoke all on table audit_events_default from %s',
                       case when g.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(g.grantee)) end);
    end loop;
end
$$;

-- Makes the missing months from p_from's through p_to's, each with its TRUNCATE trigger and no
-- privilege for anyone but the owner, and says how many it made. Runs as the owner, like
-- infohus_purge_access_log. Idempotent: when every month is there (the daily call, but once a
-- month) it only looks at the catalog and takes no lock. Otherwise it locks audit_events
-- (ACCESS EXCLUSIVE, as making a partition does anyway) until the caller's transaction ends, so
-- call it in a transaction of its own; two callers at once take turns. The caller never fails
-- for the trail's sake: when the lock is not had within two seconds (a long reader of the trail)
-- nothing is made, and a month the default partition already holds rows of is skipped (making
-- it would mean moving those rows out of the default partition first); both say so in a NOTICE
-- and return what was made, and the next call tries again.
create function infohus_audit_partitions(p_from date, p_to date) returns int
language plpgsql security definer set search_path = public, pg_temp set lock_timeout = '2s' as $$
declare
    v_first date := make_date(extract(year from p_from)::int, extract(month from p_from)::int, 1);
    v_months date[];
    v_month date;
    v_name text;
    v_lo text;
    v_hi text;
    v_made int := 0;
    g record;
begin
    if p_to > p_from + interval '100 years' then
        raise exception 'infohus_audit_partitions: % to % is more than a hundred years', p_from, p_to;
    end if;
    select array_agg(m::date order by m) into v_months
    from generate_series(v_first::timestamp, p_to::timestamp, interval '1 month') m
    where to_regclass(quote_ident('audit_events_y' || to_char(m, 'YYYY') || 'm' || to_char(m, 'MM'))) is null;
    if v_months is null then
        return 0;
    end if;
    begin
        lock table only audit_events in access exclusive mode;
    exception
        when lock_not_available or deadlock_detected then
            raise notice 'infohus_audit_partitions: audit_events is busy, no month made';
            return 0;
    end;
    foreach v_month in array v_months loop
        v_name := 'audit_events_y' || to_char(v_month, 'YYYY') || 'm' || to_char(v_month, 'MM');
        v_lo := to_char(v_month, 'YYYY-MM-DD') || ' 00:00:00+00';
        v_hi := to_char(v_month + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00';
        if to_regclass(quote_ident(v_name)) is not null then
            continue; -- made meanwhile by the caller we waited for
        end if;
        if exists (select 1 from audit_events_default
                   where occurred_at >= v_lo::timestamptz and occurred_at < v_hi::timestamptz) then
            raise notice 'infohus_audit_partitions: % not made, audit_events_default holds rows of that month', v_name;
            continue;
        end if;
        begin
            execute format('create table %I partition of audit_events for values from (%L) to (%L)',
                           v_name, v_lo, v_hi);
            execute format('create trigger audit_events_no_truncate before truncate on %I '
                           'for each statement execute function audit_events_refuse_change()', v_name);
            -- The schema's default privileges gave the app's role rows on it: it gets none.
            for g in
                select distinct a.grantee
                from pg_class c, aclexplode(c.relacl) a
                where c.oid = v_name::regclass and a.grantee <> c.relowner
            loop
                execute format('revoke all on table %I from %s', v_name,
                               case when g.grantee = 0 then 'public'
                                    else quote_ident(pg_get_userbyid(g.grantee)) end);
            end loop;
            v_made := v_made + 1;
        exception
            when check_violation then
                -- A row written to the default partition by its name, past the lock.
                raise notice 'infohus_audit_partitions: % not made, audit_events_default holds rows of that month', v_name;
            when invalid_object_definition then
                -- Another partition, made by hand, overlaps the month.
                raise warning 'infohus_audit_partitions: % not made: %', v_name, sqlerrm;
        end;
    end loop;
    return v_made;
end;
$$;
revoke execute on function infohus_audit_partitions(date, date) from public;
grant execute on function infohus_audit_partitions(date, date) to infohus_runtime;

-- A month for every month of the rows there are, through twelve months ahead.
select infohus_audit_partitions(
    coalesce((select min(occurred_at) at time zone 'UTC' from audit_events_unpartitioned)::date,
             (now() at time zone 'UTC')::date),
    ((now() at time zone 'UTC') + interval '12 months')::date);

-- Every row, with its id. Keys, indexes and foreign keys come after, built once per partition
-- rather than row by row.
insert into audit_events (id, occurred_at, actor_user_id, action, object_type, object_id,
                          municipality_id, police_district_id, request_id, shown_ids, search,
                          purpose, detail)
overriding system value
select id, occurred_at, actor_user_id, action, object_type, object_id,
       municipality_id, police_district_id, request_id, shown_ids, search, purpose, detail
from audit_events_unpartitioned;

alter table audit_events add constraint audit_events_pkey primary key (id, occurred_at);
create index audit_events_object_idx on audit_events (object_type, object_id, occurred_at);
create index audit_events_actor_idx on audit_events (actor_user_id, occurred_at);
create index audit_events_municipality_idx on audit_events (municipality_id, occurred_at);
create index audit_events_shown_idx on audit_events using gin (shown_ids);
alter table audit_events
    add constraint audit_events_actor_fkey foreign key (actor_user_id) references users (id),
    add constraint audit_events_municipality_fkey foreign key (municipality_id) references municipalities (id),
    add constraint audit_events_police_district_fkey foreign key (police_district_id) references police_districts (id);

-- New ids continue after the old table's last (its sequence may have gone past its largest id).
do $$
declare
    v_last bigint;
begin
    select greatest((select max(id) from audit_events_unpartitioned),
                    pg_sequence_last_value('audit_events_unpartitioned_id_seq'))
    into v_last;
    if v_last is not null then
        perform setval(pg_get_serial_sequence('audit_events', 'id'), v_last);
    end if;
end
$$;

-- The table and its identity sequence get the old ones' grants, no more: the schema's default
-- privileges gave the app's role UPDATE and DELETE on the new table, which it never had.
do $$
declare
    o record;
    g record;
begin
    for o in
        select * from (values
            ('table', 'audit_events_unpartitioned'::regclass, 'audit_events'::regclass),
            ('sequence', 'audit_events_unpartitioned_id_seq'::regclass,
             pg_get_serial_sequence('audit_events', 'id')::regclass)) v(kind, old, new)
    loop
        for g in
            select distinct a.grantee
            from pg_class c, aclexplode(c.relacl) a
            where c.oid = o.new and a.grantee <> c.relowner
        loop
            execute format('revoke all on %s %s from %s', o.kind, o.new,
                           case when g.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(g.grantee)) end);
        end loop;
        for g in
            select a.grantee, a.privilege_type, a.is_grantable
            from pg_class c, aclexplode(c.relacl) a
            where c.oid = o.old and a.grantee <> c.relowner
        loop
            execute format('grant %s on %s %s to %s%s', g.privilege_type, o.kind, o.new,
                           case when g.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(g.grantee)) end,
                           case when g.is_grantable then ' with grant option' else '' end);
        end loop;
    end loop;
end
$$;

drop table audit_events_unpartitioned;

-- Autovacuum analyses the partitions but never the partitioned table itself.
analyze audit_events;
