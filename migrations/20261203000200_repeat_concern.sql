-- One definition of a repeat concern, kept on the concern: a concern is a repeat when Infohus
-- has another concern about the same person (or in the same case) that was filed in the 12
-- months before it. `infohus_concern_repeats` lists, for one concern, the concerns in Infohus
-- about the same person filed within 12 months either side; when a concern reaches Infohus or
-- joins a case, it is marked if one of them was filed before it (or at the same moment), and
-- those filed after it (or at the same moment) are marked. The intake queue, the case list, the case page (a case is a repeat when one of its
-- concerns is) and the quarterly figures all read this one stored answer.
create function infohus_concern_repeats(concern uuid)
returns table (id uuid, filed_at timestamptz)
language sql stable as $$
    select b.id, b.filed_at
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
$$;

create or replace function infohus_concern_is_repeat(concern uuid) returns boolean
language sql stable as $$
    select exists (
        select 1
        from concerns a, infohus_concern_repeats(concern) r
        where a.id = concern and r.filed_at <= a.filed_at
    )
$$;

alter table concerns add column repeat boolean not null default false;

-- The concerns already there: the same case or the same CPR number, set-based, so that years of
-- history migrate in seconds; the name-and-age match, which costs a scan per concern, only for
-- the concerns waiting in the intake queue, where the coordinator reads the badge.
update concerns c set repeat = true
where c.status in ('received', 'linked') and c.case_id is not null
  and exists (select 1 from concerns b
              where b.case_id = c.case_id and b.id <> c.id
                and b.filed_at <= c.filed_at and b.filed_at > c.filed_at - interval '12 months');
update concerns c set repeat = true
where c.status in ('received', 'linked') and c.subject_cpr is not null and not c.repeat
  and exists (select 1 from concerns b
              where b.municipality_id = c.municipality_id and b.subject_cpr = c.subject_cpr
                and b.id <> c.id and b.status in ('received', 'linked')
                and b.filed_at <= c.filed_at and b.filed_at > c.filed_at - interval '12 months');
update concerns set repeat = true
where status = 'received' and not repeat and infohus_concern_is_repeat(id);
