-- The running quarter's figures are counted live (src/store/stats/live.rs). Two parts of that
-- count grew with the history and with the size of the installation:
--
-- * How long each step took looked up, for every case that moved in the quarter, its first
--   concern and its whole history. The case now carries the ends of its steps itself: when its
--   first concern was filed, and when it first left screening, first left triage, first entered
--   the action plan and first closed. They are kept by the triggers below in the same
--   transaction as the row that moves them, so they are never out of step with the history
--   they are read from, whichever code (the app, the demo data, the benchmark's generator)
--   wrote it.
-- * The interventions started in the quarter were found across every municipality and then
--   looked up case by case for theirs. An intervention now carries its case's municipality,
--   and the index goes by municipality and date.
--
-- The meanings are the ones the live query had, so the summaries already made stay true.

alter table cases
    add column first_filed_at timestamptz,
    add column screened_at timestamptz,
    add column triaged_at timestamptz,
    add column planned_at timestamptz,
    add column first_closed_at timestamptz;

comment on column cases.first_filed_at is 'The earliest filing of a concern joined to the case (purged concerns included).';
comment on column cases.screened_at is 'The first change made to the case in screening (history from_stage = screening).';
comment on column cases.triaged_at is 'The first change made to the case in triage (history from_stage = triage).';
comment on column cases.planned_at is 'The first move into the action plan.';
comment on column cases.first_closed_at is 'The first closing; closed_at is the latest and is cleared by a reopening.';

-- History rows are only ever added (the append-only triggers refuse the rest, bar the purge's
-- clearing of reasons), so the earliest of each is the least of what was there and what came.
-- One statement-level trigger serves the single move of the app and the bulk insert of the
-- generator alike; a move that ends no step updates nothing.
create function infohus_case_milestones() returns trigger
    language plpgsql
    as $$
    begin
        update cases c
        set screened_at = least(c.screened_at, m.screened_at),
            triaged_at = least(c.triaged_at, m.triaged_at),
            planned_at = least(c.planned_at, m.planned_at),
            first_closed_at = least(c.first_closed_at, m.closed_at)
        from (
            select case_id,
                   min(occurred_at) filter (where from_stage = 'screening') as screened_at,
                   min(occurred_at) filter (where from_stage = 'triage') as triaged_at,
                   min(occurred_at) filter (where to_stage = 'action_plan') as planned_at,
                   min(occurred_at) filter (where to_stage = 'closed') as closed_at
            from added
            group by case_id
        ) m
        where c.id = m.case_id
          and (m.screened_at < coalesce(c.screened_at, 'infinity')
               or m.triaged_at < coalesce(c.triaged_at, 'infinity')
               or m.planned_at < coalesce(c.planned_at, 'infinity')
               or m.closed_at < coalesce(c.first_closed_at, 'infinity'));
        return null;
    end
    $$;

create trigger case_history_milestones
    after insert on case_history
    referencing new table as added
    for each statement execute function infohus_case_milestones();

-- A concern joins a case when it is filed with one (the demo data) or linked to it from the
-- intake queue, and a purged concern keeps its filing time in `purged_concerns`, so in the app
-- a case's first filing only ever moves earlier. The triggers still count it again from the
-- concerns for every case a statement touched (added, moved away from or to, deleted, filed at
-- another time): exact whatever wrote the rows, and one index look-up per touched case. A
-- transition table cannot name columns, so the update trigger fires for every change to
-- concerns and finds no touched case for most.
create function infohus_case_first_filed() returns trigger
    language plpgsql
    as $$
    declare
        touched uuid[];
    begin
        if tg_op = 'INSERT' then
            select array_agg(distinct case_id) into touched from new_rows where case_id is not null;
        elsif tg_op = 'UPDATE' then
            select array_agg(distinct x.case_id) into touched
            from old_rows o
            join new_rows n on n.id = o.id
            cross join lateral (values (o.case_id), (n.case_id)) as x(case_id)
            where (o.case_id, o.filed_at) is distinct from (n.case_id, n.filed_at)
              and x.case_id is not null;
        else
            select array_agg(distinct case_id) into touched from old_rows where case_id is not null;
        end if;
        if touched is null then
            return null;
        end if;
        update cases c
        set first_filed_at = f.filed_at
        from (
            select t.id, (select min(x.filed_at) from concern_facts x where x.case_id = t.id) as filed_at
            from unnest(touched) as t(id)
        ) f
        where c.id = f.id and c.first_filed_at is distinct from f.filed_at;
        return null;
    end
    $$;

create trigger concerns_first_filed_on_insert
    after insert on concerns
    referencing new table as new_rows
    for each statement execute function infohus_case_first_filed();

create trigger concerns_first_filed_on_update
    after update on concerns
    referencing old table as old_rows new table as new_rows
    for each statement execute function infohus_case_first_filed();

create trigger concerns_first_filed_on_delete
    after delete on concerns
    referencing old table as old_rows
    for each statement execute function infohus_case_first_filed();

update cases c
set first_filed_at = f.filed_at
from (select case_id, min(filed_at) as filed_at
      from concern_facts where case_id is not null group by case_id) f
where c.id = f.case_id;

update cases c
set screened_at = m.screened_at, triaged_at = m.triaged_at, planned_at = m.planned_at,
    first_closed_at = m.closed_at
from (
    select case_id,
           min(occurred_at) filter (where from_stage = 'screening') as screened_at,
           min(occurred_at) filter (where from_stage = 'triage') as triaged_at,
           min(occurred_at) filter (where to_stage = 'action_plan') as planned_at,
           min(occurred_at) filter (where to_stage = 'closed') as closed_at
    from case_history
    group by case_id
) m
where c.id = m.case_id
  and (m.screened_at, m.triaged_at, m.planned_at, m.closed_at) is distinct from (null, null, null, null);

-- The interventions: the municipality is the case's, set by the statement that adds one (a case
-- never changes municipality). A purged intervention finds it through its case, which outlives
-- the purge; in the running quarter there are next to none.
alter table interventions add column municipality_id uuid references municipalities (id);
update interventions i set municipality_id = c.municipality_id from cases c where c.id = i.case_id;
alter table interventions alter column municipality_id set not null;

drop index interventions_stats_idx;
create index interventions_stats_idx on interventions (municipality_id, start_date) include (type_id);
create index purged_interventions_start_idx on purged_interventions (start_date) include (case_id, type_id);

create or replace view intervention_facts as
    select id, case_id, type_id, start_date, municipality_id from interventions
    union all
    select p.id, p.case_id, p.type_id, p.start_date, c.municipality_id
    from purged_interventions p
    join cases c on c.id = p.case_id;
