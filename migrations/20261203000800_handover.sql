-- Handover: when someone leaves, everything they hold moves to a colleague in one step.

-- What a user holds, found by user rather than by case.
create index action_plans_coordinator_idx on action_plans (plan_coordinator_user_id);
create index interventions_owner_open_idx on interventions (owner_user_id)
    where status in ('planned', 'active');

alter table case_history drop constraint case_history_move_known;
alter table case_history add constraint case_history_move_known check (move in (
    'open', 'concern_linked', 'team_added', 'team_removed', 'intervention_added',
    'intervention_updated', 'send_to_screening', 'screening_cleared', 'screening_not_for_infohus',
    'triage_proposed', 'triage_within_remit', 'triage_outside_remit', 'triage_confirmed', 'triage_objected', 'assessment_no_basis', 'assessment_basis',
    'reassess', 'plan_saved', 'intervention_saved', 'start_follow_up', 'review_recorded',
    'team_changed', 'close_goals_met', 'close_ended_otherwise', 'close_moved', 'close_no_basis',
    'close_not_for_infohus', 'close_outside_remit', 'close_duplicate', 'reopen',
    'post_closure_review', 'handed_over'));

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
    'work_taken_over'));
