-- The quarterly figures from summary rows: once a quarter is over, each municipality's counts for
-- it are computed once (from the same queries as the running quarter, when first asked for) and
-- kept, so the report reads a few hundred rows however many years of cases there are. The running
-- quarter is always counted live.
--
-- A change that alters a past quarter's figures deletes that quarter's summary in the same
-- transaction (the triggers below), and the next report computes it again: a concern changed or
-- linked to a case, a case opened, moved or closed at a time in the past (imports, the demo
-- history), a case whose level or closing changes, an intervention dated back, a unit whose
-- sector changes. In daily work moves, closings and new concerns happen now, and the triggers
-- find nothing to delete.

create table quarter_summaries (
    municipality_id uuid not null references municipalities (id),
    quarter date not null,
    computed_at timestamptz not null,
    primary key (municipality_id, quarter)
);

-- One count per breakdown and key (the breakdowns of store::stats::Breakdown).
create table quarter_summary_counts (
    municipality_id uuid not null,
    quarter date not null,
    dimension text not null,
    key text not null,
    n bigint not null,
    primary key (municipality_id, quarter, dimension, key),
    foreign key (municipality_id, quarter) references quarter_summaries on delete cascade
);

-- How many cases took how many days over each step that ended in the quarter: the median and the
-- longest of any set of municipalities follow from these.
create table quarter_summary_days (
    municipality_id uuid not null,
    quarter date not null,
    step text not null,
    days integer not null,
    n bigint not null,
    primary key (municipality_id, quarter, step, days),
    foreign key (municipality_id, quarter) references quarter_summaries on delete cascade
);

create function infohus_quarter_of(at timestamptz) returns date
    language sql immutable
    as $$ select date_trunc('quarter', at at time zone 'Europe/Copenhagen')::date $$;

-- Every quarter a case's figures touch: its concerns' filing, its history, its interventions.
create function infohus_stale_case(the_case uuid) returns void
    language sql
    as $$
    delete from quarter_summaries s
    where s.municipality_id = (select municipality_id from cases where id = the_case)
      and s.quarter in (
          select infohus_quarter_of(f.filed_at) from concern_facts f where f.case_id = the_case
          union select infohus_quarter_of(h.occurred_at) from case_history h where h.case_id = the_case
          union select date_trunc('quarter', i.start_date)::date from intervention_facts i where i.case_id = the_case
      )
    $$;

-- A case's stage at the end of every quarter from `since` on may have changed.
create function infohus_stale_since(the_municipality uuid, since timestamptz) returns void
    language sql
    as $$
    delete from quarter_summaries
    where municipality_id = the_municipality and quarter >= infohus_quarter_of(since)
    $$;

create function infohus_stale_concern() returns trigger
    language plpgsql
    as $$
    begin
        if tg_op in ('UPDATE', 'DELETE') then
            delete from quarter_summaries
            where municipality_id = old.municipality_id and quarter = infohus_quarter_of(old.filed_at);
        end if;
        if tg_op in ('INSERT', 'UPDATE') then
            delete from quarter_summaries
            where municipality_id = new.municipality_id and quarter = infohus_quarter_of(new.filed_at);
            -- Joining a case moves the case's first filing, and so its steps' durations.
            if new.case_id is not null and (tg_op = 'INSERT' or new.case_id is distinct from old.case_id) then
                perform infohus_stale_case(new.case_id);
            end if;
        end if;
        return null;
    end
    $$;

create trigger concerns_stale_quarters
    after insert or delete
       or update of municipality_id, case_id, unit_id, source, kind, subject_is_minor, repeat, filed_at
    on concerns
    for each row execute function infohus_stale_concern();

create function infohus_stale_case_row() returns trigger
    language plpgsql
    as $$
    begin
        if tg_op = 'INSERT' then
            perform infohus_stale_since(new.municipality_id, new.opened_at);
            return null;
        end if;
        if new.level is distinct from old.level then
            perform infohus_stale_case(new.id);
        end if;
        if new.closed_at is distinct from old.closed_at or new.opened_at is distinct from old.opened_at then
            perform infohus_stale_since(new.municipality_id,
                least(old.opened_at, new.opened_at, old.closed_at, new.closed_at));
        end if;
        return null;
    end
    $$;

create trigger cases_stale_quarters
    after insert or update of level, closed_at, opened_at on cases
    for each row execute function infohus_stale_case_row();

-- A move dated at some time changes the stage at the end of every quarter after it, and ends a
-- step in its own quarter.
create function infohus_stale_history() returns trigger
    language plpgsql
    as $$
    begin
        perform infohus_stale_since(c.municipality_id,
                                    case when tg_op = 'INSERT' then new.occurred_at
                                         when tg_op = 'DELETE' then old.occurred_at
                                         else least(old.occurred_at, new.occurred_at) end)
        from cases c where c.id = coalesce(new.case_id, old.case_id);
        return null;
    end
    $$;

create trigger case_history_stale_quarters
    after insert or delete or update of case_id, occurred_at, from_stage, to_stage on case_history
    for each row execute function infohus_stale_history();

create function infohus_stale_closing() returns trigger
    language plpgsql
    as $$
    begin
        perform infohus_stale_since(c.municipality_id,
                                    case when tg_op = 'INSERT' then new.closed_at
                                         when tg_op = 'DELETE' then old.closed_at
                                         else least(old.closed_at, new.closed_at) end)
        from cases c where c.id = coalesce(new.case_id, old.case_id);
        return null;
    end
    $$;

create trigger case_closings_stale_quarters
    after insert or delete or update of case_id, reason, closed_at on case_closings
    for each row execute function infohus_stale_closing();

create function infohus_stale_intervention() returns trigger
    language plpgsql
    as $$
    begin
        if tg_op in ('UPDATE', 'DELETE') then
            delete from quarter_summaries s
            using cases c
            where c.id = old.case_id and s.municipality_id = c.municipality_id
              and s.quarter = date_trunc('quarter', old.start_date)::date;
        end if;
        if tg_op in ('INSERT', 'UPDATE') then
            delete from quarter_summaries s
            using cases c
            where c.id = new.case_id and s.municipality_id = c.municipality_id
              and s.quarter = date_trunc('quarter', new.start_date)::date;
        end if;
        return null;
    end
    $$;

create trigger interventions_stale_quarters
    after insert or delete or update of case_id, type_id, start_date on interventions
    for each row execute function infohus_stale_intervention();

create function infohus_stale_unit() returns trigger
    language plpgsql
    as $$
    begin
        if new.sector is distinct from old.sector then
            delete from quarter_summaries where municipality_id = new.municipality_id;
        end if;
        return null;
    end
    $$;

create trigger units_stale_quarters
    after update of sector on units
    for each row execute function infohus_stale_unit();
