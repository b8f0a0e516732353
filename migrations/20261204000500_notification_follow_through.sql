-- Underretning follow-through (Barnets lov): for a child in the plan, "Nej" needs a reason, and
-- "Ja" the date it was sent and the authority it went to; its receipt is to be confirmed within
-- six working days (a task for the plan coordinator until it is).
alter table action_plans add column notification_authority text;
alter table action_plans add column notification_reason text;
alter table action_plans add column notification_receipt_due date;
alter table action_plans add column notification_confirmed_at timestamptz;
alter table action_plans add column notification_confirmed_by uuid;
alter table action_plans add constraint action_plans_notification_confirmed_by_fkey
    foreign key (notification_confirmed_by) references users (id);
-- Plans saved before this rule may lack the date, the authority or the reason; every plan saved
-- from now on has them.
alter table action_plans add constraint action_plans_notification_complete check (
    notification_made is null
    or (notification_made and notification_date is not null and notification_authority is not null
        and notification_receipt_due is not null)
    or (not notification_made and notification_reason is not null)) not valid;
create index action_plans_receipt_idx on action_plans (plan_coordinator_user_id, notification_receipt_due)
    where notification_made and notification_confirmed_at is null;

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
    'notification_receipt_confirmed'));

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
    'notification_receipt_confirmed'));
