-- When each periodic job last ran. Every app instance runs the job loop; the job takes an
-- advisory lock and checks this row, so that it runs once per period however many instances
-- there are.
create table job_runs (
    name text primary key,
    last_run_at timestamptz not null
);
