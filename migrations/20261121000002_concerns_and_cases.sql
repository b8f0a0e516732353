-- Concerns as filed, their addenda, and the cases that gather them.

create table case_reference_counters (
    municipality_id uuid not null,
    year integer not null,
    last_number integer not null,
    constraint case_reference_counters_pkey primary key (municipality_id, year),
    constraint case_reference_counters_municipality_fkey foreign key (municipality_id) references municipalities (id)
);

create table cases (
    id uuid primary key,
    municipality_id uuid not null,
    reference text not null,
    stage text not null,
    version integer not null default 1,
    subject_name text not null,
    subject_birth_date date,
    subject_approx_age smallint,
    subject_is_minor boolean not null,
    subject_cpr text,
    subject_address text,
    level text,
    close_reason text,
    opened_at timestamptz not null,
    opened_by uuid not null,
    stage_changed_at timestamptz not null,
    screening_due date,
    closed_at timestamptz,
    updated_at timestamptz not null,
    constraint cases_reference_key unique (reference),
    constraint cases_municipality_fkey foreign key (municipality_id) references municipalities (id),
    constraint cases_opened_by_fkey foreign key (opened_by) references users (id),
    constraint cases_stage_known check (stage in ('received', 'screening', 'triage', 'assessment',
                                                  'action_plan', 'follow_up', 'closed')),
    constraint cases_level_known check (level is null or level in ('building', 'preemptive', 'intervening')),
    constraint cases_close_reason_known check (close_reason is null or close_reason in (
        'goals_met', 'ended_otherwise', 'moved', 'no_basis', 'not_for_infohus', 'outside_remit', 'duplicate')),
    constraint cases_closed_has_reason check ((stage = 'closed') = (close_reason is not null and closed_at is not null))
);
-- One case per person per municipality: a second concern about the same CPR joins the first case.
create unique index cases_municipality_cpr_key on cases (municipality_id, subject_cpr) where subject_cpr is not null;
create index cases_municipality_stage_idx on cases (municipality_id, stage, stage_changed_at);
create index cases_subject_name_trgm_idx on cases using gin (subject_name gin_trgm_ops);
create index cases_opened_idx on cases (municipality_id, opened_at);
create index cases_closed_idx on cases (municipality_id, closed_at) where closed_at is not null;

create table concerns (
    id uuid primary key,
    municipality_id uuid not null,
    case_id uuid,
    status text not null,
    version integer not null default 1,
    source text not null,
    reporter_user_id uuid,
    unit_id uuid,
    reporter_name text,
    reporter_email text,
    reporter_phone text,
    subject_name text not null,
    subject_birth_date date,
    subject_approx_age smallint,
    subject_is_minor boolean not null,
    subject_cpr text,
    subject_address text,
    subject_connection text,
    observation text not null,
    observed_when text,
    observed_where text,
    warning_signs text[] not null default '{}',
    kind text not null,
    leader_informed boolean,
    parents_informed boolean,
    key_employee_involved boolean,
    direct_to_infohus boolean not null default false,
    direct_reason text,
    receipt_code_hash text,
    filed_at timestamptz not null,
    received_at timestamptz,
    read_by_coordinator_at timestamptz,
    linked_at timestamptz,
    constraint concerns_municipality_fkey foreign key (municipality_id) references municipalities (id),
    constraint concerns_case_fkey foreign key (case_id) references cases (id),
    constraint concerns_reporter_fkey foreign key (reporter_user_id) references users (id),
    constraint concerns_unit_fkey foreign key (unit_id) references units (id),
    constraint concerns_receipt_code_hash_key unique (receipt_code_hash),
    constraint concerns_status_known check (status in ('awaiting_leader', 'returned', 'received', 'linked')),
    constraint concerns_linked_has_case check ((status = 'linked') = (case_id is not null)),
    constraint concerns_source_known check (source in ('staff', 'leader', 'key_employee', 'coordinator',
        'police', 'core_group', 'citizen', 'other_authority')),
    constraint concerns_kind_known check (kind in ('islamist_extremism', 'right_wing_extremism',
        'left_wing_extremism', 'other_or_unclear', 'school_shooting')),
    constraint concerns_direct_has_reason check (not direct_to_infohus or direct_reason is not null)
);
create index concerns_queue_idx on concerns (municipality_id, status, received_at);
create index concerns_unit_idx on concerns (unit_id, status, filed_at);
create index concerns_reporter_idx on concerns (reporter_user_id, filed_at);
create index concerns_case_idx on concerns (case_id, filed_at);
create index concerns_filed_idx on concerns (municipality_id, filed_at);
create index concerns_cpr_idx on concerns (municipality_id, subject_cpr) where subject_cpr is not null;

-- What the reporter wrote is evidence: after filing only the workflow columns may change.
create function concerns_keep_original() returns trigger
language plpgsql as $$
begin
    if (new.municipality_id, new.source, new.reporter_user_id, new.unit_id, new.reporter_name,
        new.reporter_email, new.reporter_phone, new.subject_name, new.subject_birth_date,
        new.subject_approx_age, new.subject_is_minor, new.subject_cpr, new.subject_address,
        new.subject_connection, new.observation, new.observed_when, new.observed_where,
        new.warning_signs, new.kind, new.leader_informed, new.parents_informed,
        new.key_employee_involved, new.direct_to_infohus, new.direct_reason, new.filed_at)
       is distinct from
       (old.municipality_id, old.source, old.reporter_user_id, old.unit_id, old.reporter_name,
        old.reporter_email, old.reporter_phone, old.subject_name, old.subject_birth_date,
        old.subject_approx_age, old.subject_is_minor, old.subject_cpr, old.subject_address,
        old.subject_connection, old.observation, old.observed_when, old.observed_where,
        old.warning_signs, old.kind, old.leader_informed, old.parents_informed,
        old.key_employee_involved, old.direct_to_infohus, old.direct_reason, old.filed_at) then
        raise exception 'a filed concern cannot be changed; add an addendum instead';
    end if;
    return new;
end;
$$;
create trigger concerns_original_is_immutable
    before update on concerns
    for each row execute function concerns_keep_original();
create trigger concerns_are_never_deleted
    before delete on concerns
    for each row execute function audit_events_refuse_change();

create table concern_addenda (
    id uuid primary key,
    concern_id uuid not null,
    author_user_id uuid not null,
    kind text not null,
    body text not null,
    created_at timestamptz not null,
    constraint concern_addenda_concern_fkey foreign key (concern_id) references concerns (id),
    constraint concern_addenda_author_fkey foreign key (author_user_id) references users (id),
    constraint concern_addenda_kind_known check (kind in ('leader_remark', 'key_employee_note',
        'correction', 'question_to_reporter', 'reporter_reply', 'coordinator_note'))
);
create index concern_addenda_concern_idx on concern_addenda (concern_id, created_at);

create table case_history (
    id bigint generated always as identity primary key,
    case_id uuid not null,
    occurred_at timestamptz not null,
    actor_user_id uuid not null,
    from_stage text,
    to_stage text not null,
    move text not null,
    reason text,
    constraint case_history_case_fkey foreign key (case_id) references cases (id),
    constraint case_history_actor_fkey foreign key (actor_user_id) references users (id)
);
create index case_history_case_idx on case_history (case_id, occurred_at);
create index case_history_to_stage_idx on case_history (to_stage, occurred_at);

create table case_team (
    case_id uuid not null,
    user_id uuid not null,
    added_by uuid not null,
    added_at timestamptz not null,
    constraint case_team_pkey primary key (case_id, user_id),
    constraint case_team_case_fkey foreign key (case_id) references cases (id),
    constraint case_team_user_fkey foreign key (user_id) references users (id),
    constraint case_team_added_by_fkey foreign key (added_by) references users (id)
);
create index case_team_user_idx on case_team (user_id);

-- A concern's own history before (and when) it joins a case: filed, forwarded, returned, linked.
create table concern_history (
    id bigint generated always as identity primary key,
    concern_id uuid not null,
    occurred_at timestamptz not null,
    actor_user_id uuid,
    from_status text,
    to_status text not null,
    action text not null,
    reason text,
    constraint concern_history_concern_fkey foreign key (concern_id) references concerns (id),
    constraint concern_history_actor_fkey foreign key (actor_user_id) references users (id)
);
create index concern_history_concern_idx on concern_history (concern_id, occurred_at);
