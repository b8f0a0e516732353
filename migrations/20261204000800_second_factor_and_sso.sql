-- A second factor for password logins, and sign-in through the municipality's own identity
-- provider (OpenID Connect).

-- The TOTP secret is sealed with a key that is not in the database (the `second_factor` settings):
-- a copy of the database alone gives no codes. `pending_sealed` is a secret being set up, which
-- replaces the confirmed one only when a code from it is entered. `last_step` is the last time
-- step used, so that a code cannot be used twice.
create table user_totp (
    user_id uuid primary key references users (id) on delete cascade,
    secret_sealed bytea,
    confirmed_at timestamptz,
    last_step bigint,
    pending_sealed bytea,
    pending_created_at timestamptz,
    constraint user_totp_confirmed_together check ((secret_sealed is null) = (confirmed_at is null))
);

-- One-time recovery codes, kept as a keyed hash (HMAC with a key derived from the same secret key).
create table user_recovery_codes (
    user_id uuid not null references users (id) on delete cascade,
    code_hash bytea not null,
    used_at timestamptz,
    primary key (user_id, code_hash)
);

-- How far a session has come: a password session of a user who needs a second factor is not
-- signed in until the code is entered ('verify') or a factor set up ('enrol').
alter table auth_sessions add column second_factor text not null default 'not_required';
alter table auth_sessions add constraint auth_sessions_second_factor_known check (second_factor in (
    'not_required', 'verify', 'enrol', 'totp', 'recovery_code', 'provider'));
-- For the provider's logout: the ID token to hint with, and which provider it came from.
alter table auth_sessions add column provider text;
alter table auth_sessions add column id_token text;

-- An account linked to a provider's subject: the first login through a provider matches the
-- verified e-mail of an account an admin made; every later one matches issuer and subject only.
create table user_identities (
    issuer text not null,
    subject text not null,
    user_id uuid not null references users (id) on delete cascade,
    provider text not null,
    linked_at timestamptz not null,
    last_login_at timestamptz,
    primary key (issuer, subject)
);
create index user_identities_user_idx on user_identities (user_id);

-- An account that signs in only through a provider has no password.
alter table users alter column password_hash drop not null;

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
    'second_factor_reset', 'recovery_code_used', 'identity_linked'));
