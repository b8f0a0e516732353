-- The admin never learns a password: an account gets a one-time link on which its user sets
-- one. Only the link's hash is stored; a new link ends the older ones.
create table password_links (
    id uuid primary key,
    user_id uuid not null,
    token_hash text not null,
    created_by uuid,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at timestamptz,
    constraint password_links_user_fkey foreign key (user_id) references users (id),
    constraint password_links_created_by_fkey foreign key (created_by) references users (id),
    constraint password_links_token_hash_key unique (token_hash)
);
create index password_links_user_idx on password_links (user_id) where used_at is null;

-- A role that sees cases takes effect only when a second person approves it.
create table role_grants (
    id uuid primary key,
    user_id uuid not null,
    role text not null,
    requested_by uuid not null,
    requested_at timestamptz not null,
    decided_by uuid,
    decided_at timestamptz,
    approved boolean,
    constraint role_grants_user_fkey foreign key (user_id) references users (id),
    constraint role_grants_requested_by_fkey foreign key (requested_by) references users (id),
    constraint role_grants_decided_by_fkey foreign key (decided_by) references users (id),
    constraint role_grants_role_known check (role in ('coordinator', 'police', 'core_group')),
    constraint role_grants_decided_together check ((decided_at is null) = (approved is null)),
    constraint role_grants_second_person check (decided_by is null or decided_by <> requested_by)
);
create unique index role_grants_one_pending_idx on role_grants (user_id, role) where decided_at is null;
create index role_grants_pending_idx on role_grants (requested_at) where decided_at is null;

-- A municipality's roles and the police's never meet in one account.
alter table users add constraint users_police_not_municipal check (
    not ('police' = any (roles)
         and roles && array['staff', 'leader', 'key_employee', 'coordinator', 'core_group',
                            'steering_group']::text[]));

-- An account whose only roles await approval has none yet.
alter table users drop constraint users_roles_known;
alter table users add constraint users_roles_known check (
    roles <@ array['staff', 'leader', 'key_employee', 'coordinator', 'police', 'core_group',
                   'steering_group', 'admin']::text[]);
