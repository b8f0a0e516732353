-- The municipality's plan against radicalisation and extremism: when it was last revised and
-- when the steering group revises it next (Randers: every year in the first quarter; the law:
-- at least every fourth year). One row per municipality, made from its profile at start.
create table municipality_plans (
    municipality_id uuid primary key,
    last_revised date,
    next_revision date not null,
    updated_by uuid,
    updated_at timestamptz not null,
    version integer not null default 1,
    constraint municipality_plans_municipality_fkey foreign key (municipality_id) references municipalities (id),
    constraint municipality_plans_updated_by_fkey foreign key (updated_by) references users (id),
    constraint municipality_plans_next_after_last check (last_revised is null or next_revision > last_revised)
);

-- The awareness talks and training sessions held (Randers' plan § 4.1-4.2): where, for whom,
-- how many attended. No person: an audience is a group ("lærere på Søndergades Skole").
create table awareness_sessions (
    id uuid primary key,
    municipality_id uuid not null,
    kind text not null,
    held_on date not null,
    place text not null,
    audience text not null,
    attendees integer not null,
    recorded_by uuid not null,
    recorded_at timestamptz not null,
    constraint awareness_sessions_municipality_fkey foreign key (municipality_id) references municipalities (id),
    constraint awareness_sessions_recorded_by_fkey foreign key (recorded_by) references users (id),
    constraint awareness_sessions_kind_known check (kind in ('awareness_talk', 'training')),
    constraint awareness_sessions_attendees_range check (attendees between 1 and 10000),
    constraint awareness_sessions_place_length check (char_length(place) between 1 and 200),
    constraint awareness_sessions_audience_length check (char_length(audience) between 1 and 200)
);
-- The list, newest first, and the quarter's counts: a range of one municipality's days.
create index awareness_sessions_municipality_idx on awareness_sessions (municipality_id, held_on, id);

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
    'notification_receipt_confirmed', 'disclosure_recorded', 'session_ended',
    'password_change_failed', 'second_factor_enrolled', 'second_factor_failed',
    'second_factor_reset', 'recovery_code_used', 'identity_linked', 'meeting_list_viewed',
    'meeting_viewed', 'meeting_printed', 'meeting_changed', 'plan_revised',
    'awareness_session_recorded', 'statistics_printed'));
