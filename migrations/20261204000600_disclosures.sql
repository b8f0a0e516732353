-- What was disclosed from a case, to which authority or person, on which legal basis, when and
-- by whom: the case's register of disclosures, part of the person's access request. Deleted
-- with the person's data by the purge.
create table disclosures (
    id uuid primary key,
    case_id uuid not null,
    disclosed_on date not null,
    recipient text not null,
    content text not null,
    legal_basis text not null,
    legal_basis_other text,
    recorded_by uuid not null,
    recorded_at timestamptz not null,
    constraint disclosures_case_fkey foreign key (case_id) references cases (id),
    constraint disclosures_recorded_by_fkey foreign key (recorded_by) references users (id),
    constraint disclosures_legal_basis_known check (legal_basis in (
        'retsplejeloven_115', 'serviceloven_49b', 'barnets_lov', 'consent', 'other')),
    constraint disclosures_other_has_text check ((legal_basis = 'other') = (legal_basis_other is not null))
);
create index disclosures_case_idx on disclosures (case_id, disclosed_on);

create or replace function infohus_purge_case(p_case uuid, p_now timestamptz) returns jsonb
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
    delete from disclosures where case_id = p_case;
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

alter table case_history drop constraint case_history_move_known;
alter table case_history add constraint case_history_move_known check (move in (
    'open', 'concern_linked', 'team_added', 'team_removed', 'intervention_added',
    'intervention_updated', 'send_to_screening', 'screening_cleared', 'screening_not_for_infohus',
    'triage_proposed', 'triage_within_remit', 'triage_outside_remit', 'triage_confirmed', 'triage_objected', 'assessment_no_basis', 'assessment_basis',
    'reassess', 'plan_saved', 'intervention_saved', 'start_follow_up', 'review_recorded',
    'team_changed', 'close_goals_met', 'close_ended_otherwise', 'close_moved', 'close_no_basis',
    'close_not_for_infohus', 'close_outside_remit', 'close_duplicate', 'reopen',
    'post_closure_review', 'handed_over', 'details_changed', 'address_protection_set',
    'address_protection_lifted', 'journal_number_set', 'retention_extended',
    'notification_receipt_confirmed', 'disclosure_recorded'));

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
    'purge_run', 'access_request_searched', 'access_request_exported',
    'notification_receipt_confirmed', 'disclosure_recorded'));
