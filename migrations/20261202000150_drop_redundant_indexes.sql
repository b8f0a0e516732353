-- Indexes whose every lookup another index serves as well: the same key columns in the same
-- order (and the same predicate), which that index extends by a column or an INCLUDE list. Each
-- costs a write on every insert and update of its table and buys nothing.
--   concerns_filed_idx           (municipality_id, filed_at)           -> concerns_stats_idx
--   cases_closed_idx             (municipality_id, closed_at) partial  -> cases_closed_stats_idx
--   case_history_case_idx        (case_id, occurred_at)                -> case_history_case_stage_idx
--   case_closings_closed_at_idx  (closed_at)                           -> case_closings_stats_idx
--   interventions_start_idx      (start_date, type_id)                 -> interventions_stats_idx
--     (no query filters on type_id, which the stats index carries in its INCLUDE list)
-- cases_level_idx stays: (id) INCLUDE (level) lets the figures read a case's level without a
-- visit to the table, which the primary key cannot.
drop index if exists concerns_filed_idx;
drop index if exists cases_closed_idx;
drop index if exists case_history_case_idx;
drop index if exists case_closings_closed_at_idx;
drop index if exists interventions_start_idx;
