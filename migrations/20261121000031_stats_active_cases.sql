-- The quarterly statistics, second step: the report reads the cases active in the span of the
-- quarters asked for (still open, or closed after the span began), and from those the stage at
-- each quarter's end, the closings, the interventions and the time each step took. These
-- indexes serve that set from the index alone; the first step's index for open cases by opening
-- time is replaced.

drop index if exists cases_still_open_idx;

-- The cases still open (a small set), with what the report reads of them.
create index cases_open_stats_idx on cases (municipality_id, stage_changed_at)
    include (opened_at, stage) where closed_at is null;

-- The cases closed after a given instant, with what the report reads of them.
create index cases_closed_stats_idx on cases (municipality_id, closed_at)
    include (opened_at, stage, stage_changed_at) where closed_at is not null;

-- The prevention level of a concern's case.
create index cases_level_idx on cases (id) include (level);

-- A unit's concerns not yet part of a case.
create index concerns_unlinked_unit_idx on concerns (unit_id, status) where case_id is null;
