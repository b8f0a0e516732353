-- Every stored code has its list of known values in the database too, so that a row the app
-- cannot read is refused when it is written (tests/it/codes.rs keeps these lists and the enums
-- in `domain/` equal). The columns that had none: the two histories and the audit trail.

alter table case_history add constraint case_history_move_known check (move in (
    'open', 'concern_linked', 'team_added', 'team_removed', 'intervention_added',
    'intervention_updated', 'send_to_screening', 'screening_cleared', 'screening_not_for_infohus',
    'triage_within_remit', 'triage_outside_remit', 'assessment_no_basis', 'assessment_basis',
    'reassess', 'plan_saved', 'intervention_saved', 'start_follow_up', 'review_recorded',
    'team_changed', 'close_goals_met', 'close_ended_otherwise', 'close_moved', 'close_no_basis',
    'close_not_for_infohus', 'close_outside_remit', 'close_duplicate', 'reopen',
    'post_closure_review'));
alter table case_history add constraint case_history_from_stage_known check (from_stage in (
    'received', 'screening', 'triage', 'assessment', 'action_plan', 'follow_up', 'closed'));
alter table case_history add constraint case_history_to_stage_known check (to_stage in (
    'received', 'screening', 'triage', 'assessment', 'action_plan', 'follow_up', 'closed'));

alter table concern_history add constraint concern_history_action_known check (action in (
    'filed', 'forwarded', 'returned', 'resubmitted', 'linked'));
alter table concern_history add constraint concern_history_from_status_known check (from_status in (
    'awaiting_leader', 'returned', 'received', 'linked'));
alter table concern_history add constraint concern_history_to_status_known check (to_status in (
    'awaiting_leader', 'returned', 'received', 'linked'));

alter table audit_events add constraint audit_events_action_known check (action in (
    'login', 'login_failed', 'login_locked', 'logout', 'session_expired', 'user_created',
    'user_updated', 'user_disabled', 'user_enabled', 'password_changed', 'user_list_viewed',
    'access_log_viewed', 'concern_filed', 'concern_viewed', 'concern_forwarded',
    'concern_returned', 'concern_resubmitted', 'concern_addendum_added', 'concern_linked',
    'concern_status_looked_up', 'case_opened', 'case_viewed', 'case_list_viewed',
    'own_concerns_viewed', 'password_link_issued', 'password_set', 'role_grant_requested',
    'role_grant_approved', 'role_grant_rejected', 'case_moved', 'case_team_changed',
    'case_reopened', 'screening_recorded', 'triage_recorded', 'assessment_recorded',
    'action_plan_saved', 'intervention_saved', 'review_recorded', 'post_closure_review_done',
    'case_closed', 'queue_viewed', 'statistics_viewed', 'statistics_downloaded',
    'unit_counts_viewed'));
alter table audit_events add constraint audit_events_object_type_known check (object_type in (
    'user', 'concern', 'case', 'municipality', 'police_district', 'unit'));
