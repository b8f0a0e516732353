-- Tenants, accounts, sessions, the audit trail and rate limits.

create extension if not exists pg_trgm;

create table police_districts (
    id uuid primary key,
    slug text not null,
    name text not null,
    constraint police_districts_slug_key unique (slug)
);

create table municipalities (
    id uuid primary key,
    slug text not null,
    name text not null,
    infohus_name text not null,
    reference_prefix text not null,
    police_district_id uuid not null,
    routes_via_leader boolean not null,
    -- The whole profile as loaded from config/, so the database alone can render its pages.
    profile jsonb not null,
    updated_at timestamptz not null,
    constraint municipalities_slug_key unique (slug),
    constraint municipalities_police_district_fkey foreign key (police_district_id) references police_districts (id)
);
create index municipalities_police_district_idx on municipalities (police_district_id);

create table units (
    id uuid primary key,
    municipality_id uuid not null,
    name text not null,
    sector text not null,
    constraint units_municipality_fkey foreign key (municipality_id) references municipalities (id),
    constraint units_municipality_name_key unique (municipality_id, name)
);

create table users (
    id uuid primary key,
    email text not null,
    name text not null,
    municipality_id uuid,
    police_district_id uuid,
    unit_id uuid,
    roles text[] not null,
    active boolean not null default true,
    password_hash text not null,
    failed_logins integer not null default 0,
    locked_until timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version integer not null default 1,
    constraint users_email_key unique (email),
    constraint users_email_lowercase check (email = lower(email)),
    constraint users_municipality_fkey foreign key (municipality_id) references municipalities (id),
    constraint users_police_district_fkey foreign key (police_district_id) references police_districts (id),
    constraint users_unit_fkey foreign key (unit_id) references units (id),
    constraint users_roles_known check (
        cardinality(roles) > 0
        and roles <@ array['staff', 'leader', 'key_employee', 'coordinator', 'police',
                           'core_group', 'steering_group', 'admin']::text[]
    ),
    constraint users_police_have_district check (
        not ('police' = any (roles)) or police_district_id is not null
    ),
    constraint users_municipal_roles_have_municipality check (
        not (roles && array['staff', 'leader', 'key_employee', 'coordinator', 'core_group',
                            'steering_group']::text[])
        or municipality_id is not null
    )
);
create index users_municipality_idx on users (municipality_id);
create index users_unit_idx on users (unit_id);
create index users_police_district_idx on users (police_district_id);

-- tower-sessions' own table, created here so that every database (tests included) has it.
create schema if not exists tower_sessions;
create table tower_sessions.session (
    id text primary key not null,
    data bytea not null,
    expiry_date timestamptz not null
);
create index session_expiry_idx on tower_sessions.session (expiry_date);

-- Authenticated sessions, checked on every request: revocation here wins over whatever a
-- concurrent request writes back into tower_sessions.session.
create table auth_sessions (
    id uuid primary key,
    user_id uuid not null,
    created_at timestamptz not null,
    last_seen_at timestamptz not null,
    revoked_at timestamptz,
    revoked_reason text,
    constraint auth_sessions_user_fkey foreign key (user_id) references users (id)
);
create index auth_sessions_user_live_idx on auth_sessions (user_id) where revoked_at is null;

-- Append-only: who did what to which object. Never passwords, tokens or free text.
create table audit_events (
    id bigint generated always as identity primary key,
    occurred_at timestamptz not null,
    actor_user_id uuid,
    action text not null,
    object_type text,
    object_id uuid,
    municipality_id uuid,
    police_district_id uuid,
    request_id text,
    constraint audit_events_actor_fkey foreign key (actor_user_id) references users (id),
    constraint audit_events_municipality_fkey foreign key (municipality_id) references municipalities (id),
    constraint audit_events_police_district_fkey foreign key (police_district_id) references police_districts (id)
);
create index audit_events_object_idx on audit_events (object_type, object_id, occurred_at);
create index audit_events_actor_idx on audit_events (actor_user_id, occurred_at);
create index audit_events_municipality_idx on audit_events (municipality_id, occurred_at);

create function audit_events_refuse_change() returns trigger
language plpgsql as $$
begin
    raise exception 'audit_events is append-only';
end;
$$;
create trigger audit_events_no_update_or_delete
    before update or delete on audit_events
    for each row execute function audit_events_refuse_change();
create trigger audit_events_no_truncate
    before truncate on audit_events
    for each statement execute function audit_events_refuse_change();

-- Fixed-window counters for per-IP limits, shared by every app instance.
create table rate_limits (
    key text not null,
    window_start timestamptz not null,
    hits integer not null,
    constraint rate_limits_pkey primary key (key, window_start)
);
create index rate_limits_window_idx on rate_limits (window_start);
