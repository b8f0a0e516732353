-- Alerts (issue 13): what a user is told happened — a concern in their inbox, a case sent to
-- screening, a review falling due. Each is a row written in the same transaction as the change
-- that causes it, shown in the app ("Beskeder") and, by the user's choice, mailed at once or
-- gathered into one daily mail. The row is also the mail outbox: a sender in every app instance
-- claims pending rows with FOR UPDATE SKIP LOCKED and marks each sent or failed. No alert
-- holds personal data: a kind, the municipality whose Infohus it concerns, and a link.

alter table users add column alert_mail text not null default 'immediate';
alter table users add constraint users_alert_mail_known
    check (alert_mail in ('immediate', 'daily', 'none'));

create table alerts (
    id bigint generated always as identity primary key,
    user_id uuid not null,
    municipality_id uuid not null,
    kind text not null,
    -- A path on this site (the page requires login); never personal data.
    link text not null,
    -- Alerts raised by a deadline rather than a change carry a key, so that the job that
    -- raises them runs as often as it likes and each is raised once.
    dedupe_key text,
    created_at timestamptz not null,
    read_at timestamptz,
    -- pending: to be mailed now; daily: waits for the user's daily mail; none: shown in the app
    -- only (the user's choice); sent; failed (after the last retry); skipped (the user was
    -- deactivated before it went out).
    mail_state text not null,
    attempts integer not null default 0,
    next_attempt_at timestamptz not null,
    last_error text,
    mailed_at timestamptz,
    constraint alerts_user_fkey foreign key (user_id) references users (id),
    constraint alerts_municipality_fkey foreign key (municipality_id) references municipalities (id),
    constraint alerts_kind_known check (kind in (
        'concern_received', 'question_from_leader', 'concern_in_inbox', 'reporter_replied',
        'concern_in_queue', 'case_to_screening', 'screening_due_soon', 'screening_overdue',
        'added_to_team', 'review_due', 'review_overdue', 'post_closure_review_due')),
    constraint alerts_mail_state_known check (mail_state in (
        'pending', 'daily', 'none', 'sent', 'failed', 'skipped')),
    constraint alerts_link_is_local check (link like '/%' and link not like '//%'),
    constraint alerts_sent_has_time check ((mail_state = 'sent') = (mailed_at is not null))
);

-- A user's alerts, newest first (the page), and the unread ones (the count in the header).
create index alerts_user_idx on alerts (user_id, id desc);
create index alerts_unread_idx on alerts (user_id) where read_at is null;
-- What the sender claims, and the daily mails.
create index alerts_pending_idx on alerts (next_attempt_at) where mail_state = 'pending';
create index alerts_daily_idx on alerts (user_id) where mail_state = 'daily';
-- Admins' "Udgående post": the failed and the waiting.
create index alerts_outbox_idx on alerts (id desc) where mail_state in ('pending', 'failed');
create unique index alerts_dedupe_idx on alerts (user_id, dedupe_key) where dedupe_key is not null;

-- The deadline job reads these.
create index cases_screening_due_idx on cases (screening_due) where stage = 'screening';
create index interventions_open_review_idx on interventions (next_review_date)
    where status in ('planned', 'active');
create index post_closure_reviews_pending_idx on post_closure_reviews (due_date)
    where done_at is null and cancelled_at is null;

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
    'unit_counts_viewed', 'alert_settings_changed', 'outbox_viewed'));

-- The state a new alert's mail starts in, from the recipient's choice.
create function alert_mail_state(choice text) returns text
    language sql immutable
    return case choice when 'immediate' then 'pending' when 'daily' then 'daily' else 'none' end;
