-- Name and address protection (navne- og adressebeskyttelse) on the person, and the authority's
-- own journal number (ESDH) on the case.

-- As the reporter filed it; part of the concern as evidence like the address itself.
alter table concerns add column subject_address_protected boolean not null default false;

-- The case's flag is the coordinator's: carried over from the concerns when the case is opened,
-- set or lifted later on "Sagens oplysninger".
alter table cases add column subject_address_protected boolean not null default false;
alter table cases add column journal_number text;
alter table cases add constraint cases_journal_number_short
    check (journal_number is null or char_length(journal_number) between 1 and 60);

create or replace function concerns_keep_original() returns trigger
language plpgsql as $$
begin
    if (new.municipality_id, new.source, new.reporter_user_id, new.unit_id, new.reporter_name,
        new.reporter_email, new.reporter_phone, new.subject_name, new.subject_birth_date,
        new.subject_approx_age, new.subject_is_minor, new.subject_cpr, new.subject_address,
        new.subject_address_protected,
        new.subject_connection, new.observation, new.observed_when, new.observed_where,
        new.warning_signs, new.kind, new.leader_informed, new.parents_informed,
        new.key_employee_involved, new.direct_to_infohus, new.direct_reason, new.filed_at)
       is distinct from
       (old.municipality_id, old.source, old.reporter_user_id, old.unit_id, old.reporter_name,
        old.reporter_email, old.reporter_phone, old.subject_name, old.subject_birth_date,
        old.subject_approx_age, old.subject_is_minor, old.subject_cpr, old.subject_address,
        old.subject_address_protected,
        old.subject_connection, old.observation, old.observed_when, old.observed_where,
        old.warning_signs, old.kind, old.leader_informed, old.parents_informed,
        old.key_employee_involved, old.direct_to_infohus, old.direct_reason, old.filed_at) then
        raise exception 'a filed concern cannot be changed; add an addendum instead';
    end if;
    return new;
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
    'address_protection_lifted', 'journal_number_set'));

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
    'work_taken_over', 'case_details_changed'));
