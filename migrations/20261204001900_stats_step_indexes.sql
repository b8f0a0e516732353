-- The steps that ended in a quarter, for the quarterly figures (`store::stats::live`): each
-- step's end, by municipality, with the instant it started from, so that the running quarter's
-- durations are four index ranges instead of a look at every case that moved in the quarter
-- (39,000 cases for a police district of 19 municipalities at a million cases).
create index cases_screened_stats_idx on cases (municipality_id, screened_at)
    include (opened_at, first_filed_at) where screened_at is not null;
create index cases_triaged_stats_idx on cases (municipality_id, triaged_at)
    include (screened_at) where triaged_at is not null;
create index cases_planned_stats_idx on cases (municipality_id, planned_at)
    include (triaged_at) where planned_at is not null;
create index cases_first_closed_stats_idx on cases (municipality_id, first_closed_at)
    include (opened_at, first_filed_at) where first_closed_at is not null;
