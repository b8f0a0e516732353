-- The case list walks each municipality's cases in its own order and merges the walks
-- (`store::cases::visible_cases`): PostgreSQL 15 cannot keep an index's order across
-- `municipality_id = any (...)`, so the installation-wide orders made a coordinator's list pass
-- over every other municipality's cases. Backwards scans serve the newest-first order.
drop index cases_list_idx;
drop index cases_open_list_idx;
create index cases_municipality_list_idx on cases (municipality_id, stage_changed_at, id);
create index cases_municipality_open_list_idx on cases (municipality_id, stage_changed_at, id)
    where stage <> 'closed';

-- A coordinator's plan reviews come from the municipality's open interventions due by the
-- horizon, not from every case in follow-up.
create index interventions_municipality_review_idx
    on interventions (municipality_id, next_review_date) include (case_id)
    where status in ('planned', 'active');
