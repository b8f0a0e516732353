-- The quarterly statistics count by municipality and quarter over many years; these indexes let
-- each query read only the quarter it counts, mostly from the index alone.

-- New concerns of a quarter with everything the breakdowns group by.
create index concerns_stats_idx on concerns (municipality_id, filed_at)
    include (source, kind, subject_is_minor, unit_id, case_id);

-- A unit's concerns per quarter.
create index concerns_unit_filed_idx on concerns (unit_id, filed_at) where unit_id is not null;

-- Cases open at a quarter's end: those still open, and those closed after it
-- (cases_closed_idx); everything closed before is never read.
create index cases_still_open_idx on cases (municipality_id, opened_at) where closed_at is null;

-- The stage a case was in at an instant: its last history row before it, without a heap visit.
create index case_history_case_stage_idx on case_history (case_id, occurred_at, id) include (to_stage, from_stage);

-- Closings and interventions of a quarter, joined to their case for the municipality.
create index case_closings_stats_idx on case_closings (closed_at) include (case_id, reason);
create index interventions_stats_idx on interventions (start_date) include (case_id, type_id);
