-- The joint triage is joint (issue 15): either the coordinator or the police proposes the
-- decision and it takes effect when the other side confirms it; or the coordinator records that
-- it was agreed by phone with a named police user, who confirms it afterwards or objects within
-- the profile's working days (the case then goes back to the joint triage).

create table triage_proposals (
    id uuid primary key,
    case_id uuid not null,
    proposed_by uuid not null,
    side text not null,
    outcome text not null,
    referred_to text,
    note text,
    proposed_at timestamptz not null,
    -- Set when the other side confirmed it or a newer proposal replaced it.
    settled_at timestamptz,
    settled_by uuid,
    settlement text,
    constraint triage_proposals_case_fkey foreign key (case_id) references cases (id),
    constraint triage_proposals_proposed_by_fkey foreign key (proposed_by) references users (id),
    constraint triage_proposals_settled_by_fkey foreign key (settled_by) references users (id),
    constraint triage_proposals_side_known check (side in ('coordinator', 'police')),
    constraint triage_proposals_outcome_known check (outcome in ('within_remit', 'outside_remit')),
    constraint triage_proposals_settlement_known check (settlement in ('confirmed', 'replaced')),
    constraint triage_proposals_outside_names_authority
        check (outcome <> 'outside_remit' or referred_to is not null),
    constraint triage_proposals_settled_whole
        check ((settled_at is null) = (settlement is null) and (settled_at is null) = (settled_by is null))
);
-- At most one proposal waits per case; it is what the case page and the form read.
create unique index triage_proposals_pending_idx on triage_proposals (case_id) where settled_at is null;
create index triage_proposals_case_idx on triage_proposals (case_id, proposed_at);

-- Who proposed the decision and who confirmed it, when; or that it was agreed by phone, and
-- the named police user's confirmation or objection.
alter table triage_decisions
    add column proposed_by uuid,
    add column confirmed_by uuid,
    add column confirmed_at timestamptz,
    add column by_phone boolean not null default false,
    add column object_by date,
    add column objected_at timestamptz,
    add column objection text,
    add constraint triage_decisions_proposed_by_fkey foreign key (proposed_by) references users (id),
    add constraint triage_decisions_confirmed_by_fkey foreign key (confirmed_by) references users (id),
    add constraint triage_decisions_phone_has_deadline check (not by_phone or object_by is not null);

-- Decisions registered before this change were the coordinator's, naming the police user who
-- took part: they count as agreed by phone and confirmed at once.
update triage_decisions
   set proposed_by = coordinator_user_id, confirmed_by = police_user_id, confirmed_at = decided_at,
       by_phone = true, object_by = (decided_at at time zone 'Europe/Copenhagen')::date;

alter table triage_decisions alter column proposed_by set not null;

-- The police user's phone decisions still to confirm: their tasks and the case page.
create index triage_decisions_to_confirm_idx on triage_decisions (police_user_id, object_by)
    where by_phone and confirmed_at is null and objected_at is null;

alter table case_history drop constraint case_history_move_known;
alter table case_history add constraint case_history_move_known check (move in (
    'open', 'concern_linked', 'team_added', 'team_removed', 'intervention_added',
    'intervention_updated', 'send_to_screening', 'screening_cleared', 'screening_not_for_infohus',
    'triage_proposed', 'triage_within_remit', 'triage_outside_remit', 'triage_confirmed', 'triage_objected', 'assessment_no_basis', 'assessment_basis',
    'reassess', 'plan_saved', 'intervention_saved', 'start_follow_up', 'review_recorded',
    'team_changed', 'close_goals_met', 'close_ended_otherwise', 'close_moved', 'close_no_basis',
    'close_not_for_infohus', 'close_outside_remit', 'close_duplicate', 'reopen',
    'post_closure_review'));

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
    'unit_counts_viewed'));
