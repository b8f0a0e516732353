-- The running quarter is kept as a summary too. Until now it was counted live on every view of
-- the report, and that read every open case of the municipalities and every step ended in the
-- quarter: 110 ms for a police district of 19 municipalities at a million cases, where the
-- quarters that are over cost 2 ms from their summaries. The triggers of `quarter_summaries`
-- already delete a quarter's summary whenever a change reaches into it, and every change made
-- now reaches into the running quarter, so its summary lives until the municipality's next
-- change and is made again by the next view.
--
-- That makes a race common that was rare before: a report counts the quarter from its snapshot
-- while a change is being made, the change's trigger finds no summary to delete, and the report
-- then keeps a summary without the change. So a change announces itself first: every trigger
-- below takes a shared transaction lock on the municipality (changes never wait for each
-- other), and the report keeps a summary only under the exclusive lock, taken without waiting
-- (`pg_try_advisory_xact_lock`). While a change is under way the report counts live and keeps
-- nothing; a change that begins while the report counts waits those few milliseconds, and then
-- deletes what the report kept. The lock is (7411, hashtext of the municipality's id); a shared
-- hash only makes two municipalities wait for each other.

create function infohus_stats_changing(the_municipality uuid) returns void
    language sql
    as $$ select pg_advisory_xact_lock_shared(7411, hashtext(the_municipality::text)) $$;

create or replace function infohus_stale_case(the_case uuid) returns void
    language sql
    as $$
    select infohus_stats_changing(municipality_id) from cases where id = the_case;
    delete from quarter_summaries s
    where s.municipality_id = (select municipality_id from cases where id = the_case)
      and s.quarter in (
          select infohus_quarter_of(f.filed_at) from concern_facts f where f.case_id = the_case
          union select infohus_quarter_of(h.occurred_at) from case_history h where h.case_id = the_case
          union select date_trunc('quarter', i.start_date)::date from intervention_facts i where i.case_id = the_case
      )
    $$;

create or replace function infohus_stale_since(the_municipality uuid, since timestamptz) returns void
    language sql
    as $$
    select infohus_stats_changing(the_municipality);
    delete from quarter_summaries
    where municipality_id = the_municipality and quarter >= infohus_quarter_of(since)
    $$;

create or replace function infohus_stale_concern() returns trigger
    language plpgsql
    as $$
    begin
        if tg_op in ('UPDATE', 'DELETE') then
            perform infohus_stats_changing(old.municipality_id);
            delete from quarter_summaries
            where municipality_id = old.municipality_id and quarter = infohus_quarter_of(old.filed_at);
        end if;
        if tg_op in ('INSERT', 'UPDATE') then
            perform infohus_stats_changing(new.municipality_id);
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

create or replace function infohus_stale_intervention() returns trigger
    language plpgsql
    as $$
    begin
        if tg_op in ('UPDATE', 'DELETE') then
            perform infohus_stats_changing(c.municipality_id) from cases c where c.id = old.case_id;
            delete from quarter_summaries s
            using cases c
            where c.id = old.case_id and s.municipality_id = c.municipality_id
              and s.quarter = date_trunc('quarter', old.start_date)::date;
        end if;
        if tg_op in ('INSERT', 'UPDATE') then
            perform infohus_stats_changing(c.municipality_id) from cases c where c.id = new.case_id;
            delete from quarter_summaries s
            using cases c
            where c.id = new.case_id and s.municipality_id = c.municipality_id
              and s.quarter = date_trunc('quarter', new.start_date)::date;
        end if;
        return null;
    end
    $$;

create or replace function infohus_stale_unit() returns trigger
    language plpgsql
    as $$
    begin
        if new.sector is distinct from old.sector then
            perform infohus_stats_changing(new.municipality_id);
            delete from quarter_summaries where municipality_id = new.municipality_id;
        end if;
        return null;
    end
    $$;
