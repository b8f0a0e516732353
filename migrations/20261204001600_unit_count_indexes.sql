-- A unit's counts (`store::stats::units::unit`): the municipality's open cases that hold a
-- concern from the unit. The query read the heap of every open case of the municipality and of
-- every concern the unit ever filed (10 ms at 300,000 cases, growing with the unit's history);
-- with these two indexes both sides are index-only scans (1.5 ms), the concerns side a range of
-- small index entries.
create index cases_open_stage_idx on cases (municipality_id) include (id, stage) where closed_at is null;
create index concerns_unit_case_idx on concerns (unit_id, case_id) where case_id is not null;
