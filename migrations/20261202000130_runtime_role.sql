-- Two database roles: the owner of the schema runs the migrations; the app serves as a member of
-- infohus_runtime, which owns nothing and may only read and write rows. It may add to the audit
-- trail and read it, never change or remove it: without ownership it can neither disable the
-- trail's triggers nor alter or truncate the table, and without superuser rights it cannot set
-- session_replication_role.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'infohus_runtime') then
        create role infohus_runtime nologin;
    end if;
end
$$;

grant usage on schema public to infohus_runtime;
grant usage on schema tower_sessions to infohus_runtime;
grant select, insert, update, delete on all tables in schema public to infohus_runtime;
grant select, insert, update, delete on all tables in schema tower_sessions to infohus_runtime;
grant usage, select on all sequences in schema public to infohus_runtime;
revoke update, delete on audit_events from infohus_runtime;
do $$
begin
    -- Present whenever sqlx runs the migrations; absent when they are applied by hand.
    if to_regclass('_sqlx_migrations') is not null then
        revoke insert, update, delete on _sqlx_migrations from infohus_runtime;
    end if;
end
$$;

-- Tables of later migrations, created by the owner, are readable and writable the same way.
alter default privileges in schema public
    grant select, insert, update, delete on tables to infohus_runtime;
alter default privileges in schema public
    grant usage, select on sequences to infohus_runtime;
