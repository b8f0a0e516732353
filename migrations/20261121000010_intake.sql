-- Intake: telling whether two concerns, or a concern and a case, are about the same person, so
-- that one person gets one case and a repeat concern is flagged.

create index concerns_subject_name_trgm_idx on concerns using gin (subject_name gin_trgm_ops);

-- A person's age in whole years at the instant `at`: from the birth date where known, else the
-- reporter's estimate (made at `recorded_at`) moved on by the years since.
create function infohus_age_at(birth date, approx_age smallint, recorded_at timestamptz,
                               at timestamptz) returns integer
language sql stable as $$
    select coalesce(extract(year from age(at, birth::timestamptz))::integer,
                    approx_age::integer + extract(year from age(at, recorded_at))::integer)
$$;

-- The same person: the same CPR number where both records have one (two different numbers are
-- two people); otherwise a similar name (pg_trgm) together with the same birth date, or, where a
-- date is missing, ages at most a year apart. A name alone is never enough.
create function infohus_same_person(
    cpr_a text, name_a text, birth_a date, age_a integer,
    cpr_b text, name_b text, birth_b date, age_b integer
) returns boolean
language sql stable as $$
    select case
        when cpr_a is not null and cpr_b is not null then cpr_a = cpr_b
        when similarity(lower(name_a), lower(name_b)) < 0.45 then false
        when birth_a is not null and birth_b is not null then birth_a = birth_b
        when age_a is not null and age_b is not null then abs(age_a - age_b) <= 1
        else false
    end
$$;

-- A repeat concern: another concern that has reached Infohus, about the same person (or joined
-- to the same case), filed within 12 months of it. Concerns still with a leader do not count:
-- the coordinator may not learn of them before they are forwarded.
create function infohus_concern_is_repeat(concern uuid) returns boolean
language sql stable as $$
    select exists (
        select 1
        from concerns a
        join concerns b on b.municipality_id = a.municipality_id and b.id <> a.id
        where a.id = concern
          and b.status in ('received', 'linked')
          and b.filed_at > a.filed_at - interval '12 months'
          and b.filed_at < a.filed_at + interval '12 months'
          and ((a.case_id is not null and b.case_id = a.case_id)
               or infohus_same_person(
                   a.subject_cpr, a.subject_name, a.subject_birth_date,
                   infohus_age_at(a.subject_birth_date, a.subject_approx_age, a.filed_at, a.filed_at),
                   b.subject_cpr, b.subject_name, b.subject_birth_date,
                   infohus_age_at(b.subject_birth_date, b.subject_approx_age, b.filed_at, a.filed_at)))
    )
$$;
