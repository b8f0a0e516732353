-- Retention that deletes on schedule (`infohus purge`, and daily inside `serve`).
--
-- A case past its period (the municipality profile's `retention`, synced into
-- `municipalities.profile`) loses everything about the person in one transaction
-- (`infohus_purge_case`): concerns, addenda, assessments, plans, interventions, reviews and the
-- free text of its history. What remains is a tombstone: the `cases` row with its reference,
-- municipality, dates and codes, the history rows' codes and dates, the closings' reasons, and
-- the codes of its concerns and interventions (`purged_concerns`, `purged_interventions`), so
-- that the quarterly figures of past quarters read the same after a purge as before it.

alter table cases add column purged_at timestamptz;
-- The coordinator may postpone one case's deletion to this date, with a reason (in the history).
alter table cases add column retention_extended_until date;

create table purged_concerns (
    id uuid primary key,
    municipality_id uuid not null,
    case_id uuid,
    unit_id uuid,
    source text not null,
    kind text not null,
    subject_is_minor boolean not null,
    repeat boolean not null,
    filed_at timestamptz not null,
    purged_at timestamptz not null,
    constraint purged_concerns_municipality_fkey foreign key (municipality_id) references municipalities (id),
    constraint purged_concerns_case_fkey foreign key (case_id) references cases (id),
    constraint purged_concerns_unit_fkey foreign key (unit_id) references units (id)
);
create index purged_concerns_filed_idx on purged_concerns (municipality_id, filed_at);
create index purged_concerns_unit_idx on purged_concerns (unit_id, filed_at);
create index purged_concerns_case_idx on purged_concerns (case_id);

create table purged_interventions (
    id uuid primary key,
    case_id uuid not null,
    type_id text not null,
    start_date date not null,
    constraint purged_interventions_case_fkey foreign key (case_id) references cases (id)
);
create index purged_interventions_case_idx on purged_interventions (case_id);

-- What the figures count, whether or not the person's data is still there.
create view concern_facts as
    select id, municipality_id, case_id, unit_id, source, kind, subject_is_minor, repeat, filed_at
    from concerns
    union all
    select id, municipality_id, case_id, unit_id, source, kind, subject_is_minor, repeat, filed_at
    from purged_concerns;

create view intervention_facts as
    select id, case_id, type_id, start_date from interventions
    union all
    select id, case_id, type_id, start_date from purged_interventions;

-- When each closed case that still holds the person's data is due for deletion: its period
-- after closing (months for a case closed at the police screening or the joint triage, which
-- never became an Infohus case; years for the rest), not before its last review after closing,
-- and not before a coordinator's extension.
create view case_retention as
    select x.case_id, x.municipality_id, x.reference, x.closed_at, x.base_due,
           x.extended_until, greatest(x.base_due, x.extended_until) as due
    from (
        select c.id as case_id, c.municipality_id, c.reference, c.closed_at,
               c.retention_extended_until as extended_until,
               greatest(
                   ((c.closed_at at time zone 'Europe/Copenhagen')::date
                     + case when c.close_reason in ('not_for_infohus', 'outside_remit')
                            then make_interval(months => (m.profile -> 'retention' ->> 'not_a_case_months')::int)
                            else make_interval(years => (m.profile -> 'retention' ->> 'closed_case_years')::int)
                       end)::date,
                   r.last_review) as base_due
        from cases c
        join municipalities m on m.id = c.municipality_id
        left join lateral (
            select max(greatest(p.due_date, (p.done_at at time zone 'Europe/Copenhagen')::date)) as last_review
            from post_closure_reviews p
            where p.case_id = c.id and p.cancelled_at is null
        ) r on true
        where c.closed_at is not null and c.purged_at is null
    ) x;

-- A concern is deleted only by the purge, which says so for its own transaction.
create function concerns_refuse_delete() returns trigger
language plpgsql as $$
begin
    if current_setting('infohus.purging', true) = 'on' then
        return old;
    end if;
    raise exception 'a concern is deleted only by the retention purge';
end;
$$;
drop trigger concerns_are_never_deleted on concerns;
create trigger concerns_are_never_deleted
    before delete on concerns
    for each row execute function concerns_refuse_delete();

-- Deletes everything about the person of one case and leaves its tombstone; returns what it
-- deleted, as counts. Nothing happens to a case that is not closed or already purged.
create function infohus_purge_case(p_case uuid, p_now timestamptz) returns jsonb
language plpgsql as $$
declare
    n_concerns integer;
    n_interventions integer;
begin
    perform 1 from cases where id = p_case and closed_at is not null and purged_at is null for update;
    if not found then
        return null;
    end if;
    perform set_config('infohus.purging', 'on', true);

    insert into purged_concerns (id, municipality_id, case_id, unit_id, source, kind,
                                 subject_is_minor, repeat, filed_at, purged_at)
    select id, municipality_id, case_id, unit_id, source, kind, subject_is_minor, repeat,
           filed_at, p_now
    from concerns where case_id = p_case;
    get diagnostics n_concerns = row_count;
    insert into purged_interventions (id, case_id, type_id, start_date)
    select id, case_id, type_id, start_date from interventions where case_id = p_case;
    get diagnostics n_interventions = row_count;

    delete from review_items where review_id in (select id from reviews where case_id = p_case);
    delete from reviews where case_id = p_case;
    delete from interventions where case_id = p_case;
    delete from assessment_ratings where assessment_id in (select id from assessments where case_id = p_case);
    delete from assessments where case_id = p_case;
    delete from action_plans where case_id = p_case;
    delete from screenings where case_id = p_case;
    delete from triage_decisions where case_id = p_case;
    delete from triage_proposals where case_id = p_case;
    delete from case_team where case_id = p_case;
    delete from post_closure_reviews where case_id = p_case;
    update case_closings set evaluation = null where case_id = p_case;
    delete from concern_addenda where concern_id in (select id from concerns where case_id = p_case);
    delete from concern_history where concern_id in (select id from concerns where case_id = p_case);
    delete from alerts where link in (select '/bekymringer/' || id from concerns where case_id = p_case)
                          or link in (select '/infohus/indgang/' || id from concerns where case_id = p_case)
                          or link = '/sager/' || p_case;
    delete from concerns where case_id = p_case;
    update case_history set reason = null where case_id = p_case;
    update cases
    set subject_name = '', subject_birth_date = null, subject_approx_age = null,
        subject_cpr = null, subject_address = null, subject_address_protected = false,
        journal_number = null, purged_at = p_now, updated_at = p_now, version = version + 1
    where id = p_case;

    perform set_config('infohus.purging', 'off', true);
    return jsonb_build_object('concerns', n_concerns, 'interventions', n_interventions);
end;
$$;

-- A concern that never joined a case and was left at its unit (awaiting the leader, or
-- returned to its reporter) for the profile's months after its last change; one in the
-- coordinator's intake waits for the coordinator.
create function infohus_purge_concern(p_concern uuid, p_now timestamptz) returns boolean
language plpgsql as $$
begin
    perform 1 from concerns where id = p_concern and case_id is null for update;
    if not found then
        return false;
    end if;
    perform set_config('infohus.purging', 'on', true);
    insert into purged_concerns (id, municipality_id, case_id, unit_id, source, kind,
                                 subject_is_minor, repeat, filed_at, purged_at)
    select id, municipality_id, null, unit_id, source, kind, subject_is_minor, repeat, filed_at, p_now
    from concerns where id = p_concern;
    delete from concern_addenda where concern_id = p_concern;
    delete from concern_history where concern_id = p_concern;
    delete from alerts where link in ('/bekymringer/' || p_concern, '/infohus/indgang/' || p_concern);
    delete from concerns where id = p_concern;
    perform set_config('infohus.purging', 'off', true);
    return true;
end;
$$;

-- The access log of a deleted case is kept for the profile's `access_log_years` after the
-- deletion, then deleted: the one deletion the audit trail allows, through this function only
-- (the app's role has no DELETE on audit_events; the function runs as the schema's owner).
-- The trigger checks every row against the same rule, so the function cannot be talked into
-- deleting anything else.
create function audit_events_refuse_delete() returns trigger
language plpgsql as $$
declare
    purge_now timestamptz := nullif(current_setting('infohus.access_log_purge_now', true), '')::timestamptz;
begin
    if purge_now is not null and old.object_type in ('case', 'concern') and exists (
        select 1
        from cases c
        join municipalities m on m.id = c.municipality_id
        where c.purged_at is not null
          and c.purged_at < purge_now - make_interval(years => (m.profile -> 'retention' ->> 'access_log_years')::int)
          and (c.id = old.object_id
               or exists (select 1 from purged_concerns p where p.id = old.object_id and p.case_id = c.id))
    ) then
        return old;
    end if;
    raise exception 'audit_events is append-only';
end;
$$;
drop trigger audit_events_no_update_or_delete on audit_events;
create trigger audit_events_no_update
    before update on audit_events
    for each row execute function audit_events_refuse_change();
create trigger audit_events_no_delete
    before delete on audit_events
    for each row execute function audit_events_refuse_delete();

create function infohus_purge_access_log(p_now timestamptz) returns bigint
language plpgsql security definer set search_path = public, pg_temp as $$
declare
    n bigint;
begin
    perform set_config('infohus.access_log_purge_now', p_now::text, true);
    delete from audit_events a
    using cases c
    join municipalities m on m.id = c.municipality_id
    where c.purged_at is not null
      and c.purged_at < p_now - make_interval(years => (m.profile -> 'retention' ->> 'access_log_years')::int)
      and a.object_type in ('case', 'concern')
      and (a.object_id = c.id
           or a.object_id in (select p.id from purged_concerns p where p.case_id = c.id));
    get diagnostics n = row_count;
    perform set_config('infohus.access_log_purge_now', '', true);
    return n;
end;
$$;
revoke execute on function infohus_purge_access_log(timestamptz) from public;
grant execute on function infohus_purge_access_log(timestamptz) to infohus_runtime;

-- The purge's own audit rows: counts only, never a person.
alter table audit_events add column detail jsonb;

alter table case_history drop constraint case_history_move_known;
alter table case_history add constraint case_history_move_known check (move in (
    'open', 'concern_linked', 'team_added', 'team_removed', 'intervention_added',
    'intervention_updated', 'send_to_screening', 'screening_cleared', 'screening_not_for_infohus',
    'triage_proposed', 'triage_within_remit', 'triage_outside_remit', 'triage_confirmed', 'triage_objected', 'assessment_no_basis', 'assessment_basis',
    'reassess', 'plan_saved', 'intervention_saved', 'start_follow_up', 'review_recorded',
    'team_changed', 'close_goals_met', 'close_ended_otherwise', 'close_moved', 'close_no_basis',
    'close_not_for_infohus', 'close_outside_remit', 'close_duplicate', 'reopen',
    'post_closure_review', 'handed_over', 'details_changed', 'address_protection_set',
    'address_protection_lifted', 'journal_number_set', 'retention_extended'));

alter table audit_events drop constraint audit_events_action_known;
alter table audit_events add constraint audit_events_action_known check (action in (
    'login', 'login_failed', 'login_locked', 'logout', 'session_expired', 'user_created',
    'user_updated', 'user_disabled', 'user_enabled', 'password_changed', 'user_list_viewed',
    'access_log_viewed', 'concern_filed', 'concern_viewed', 'concern_forwarded',
    'concern_returned', 'concern_resubmitted', 'concern_addendum_added', 'concern_linked',
    'concern_status_looked_up', 'case_opened', 'case_viewed', 'case_list_viewed',
    'own_concerns_viewed', 'password_link_issued', 'password_set', 'role_grant_requested',
    'role_grant_approved', 'role_grant_rejected', 'case_moved', 'case_team_changed',
    'case_reopened', 'screening_recorded', 'triage_recorded', 'triage_proposed', 'triage_confirmed',
    'triage_objected', 'assessment_recorded',
    'action_plan_saved', 'intervention_saved', 'review_recorded', 'post_closure_review_done',
    'case_closed', 'queue_viewed', 'statistics_viewed', 'statistics_downloaded',
    'unit_counts_viewed', 'alert_settings_changed', 'outbox_viewed', 'work_handed_over',
    'work_taken_over', 'case_details_changed', 'retention_extended', 'retention_list_viewed',
    'purge_run'));
