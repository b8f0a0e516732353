-- Screening, joint triage, assessment, action plan, follow-up and closing.

create table screenings (
    id uuid primary key,
    case_id uuid not null,
    police_user_id uuid not null,
    outcome text not null,
    -- Seen by police and coordinators only.
    note text,
    decided_at timestamptz not null,
    constraint screenings_case_fkey foreign key (case_id) references cases (id),
    constraint screenings_police_user_fkey foreign key (police_user_id) references users (id),
    constraint screenings_outcome_known check (outcome in ('cleared', 'not_for_infohus'))
);
create index screenings_case_idx on screenings (case_id, decided_at);

create table triage_decisions (
    id uuid primary key,
    case_id uuid not null,
    coordinator_user_id uuid not null,
    police_user_id uuid not null,
    outcome text not null,
    -- The authority that should act instead when the concern is outside Infohus' remit.
    referred_to text,
    note text,
    decided_at timestamptz not null,
    constraint triage_decisions_case_fkey foreign key (case_id) references cases (id),
    constraint triage_decisions_coordinator_fkey foreign key (coordinator_user_id) references users (id),
    constraint triage_decisions_police_user_fkey foreign key (police_user_id) references users (id),
    constraint triage_decisions_outcome_known check (outcome in ('within_remit', 'outside_remit')),
    constraint triage_decisions_outside_names_authority check (outcome <> 'outside_remit' or referred_to is not null)
);
create index triage_decisions_case_idx on triage_decisions (case_id, decided_at);

create table assessments (
    id uuid primary key,
    case_id uuid not null,
    assessed_by uuid not null,
    meeting_date date not null,
    analysis_person text not null,
    analysis_network text not null,
    analysis_ideology text not null,
    analysis_intent_capability text not null,
    conclusion text not null,
    level text,
    created_at timestamptz not null,
    constraint assessments_case_fkey foreign key (case_id) references cases (id),
    constraint assessments_assessed_by_fkey foreign key (assessed_by) references users (id),
    constraint assessments_conclusion_known check (conclusion in ('no_basis', 'basis')),
    constraint assessments_level_with_basis check (
        (conclusion = 'basis' and level in ('preemptive', 'intervening'))
        or (conclusion = 'no_basis' and level is null))
);
create index assessments_case_idx on assessments (case_id, created_at);

create table assessment_ratings (
    assessment_id uuid not null,
    factor_id text not null,
    rating text not null,
    constraint assessment_ratings_pkey primary key (assessment_id, factor_id),
    constraint assessment_ratings_assessment_fkey foreign key (assessment_id) references assessments (id),
    constraint assessment_ratings_rating_known check (rating in ('not_seen', 'some', 'marked', 'unknown'))
);

create table action_plans (
    case_id uuid primary key,
    plan_coordinator_user_id uuid not null,
    goals text not null,
    -- For a person under 18: has a notification under Barnets lov (underretning) been made?
    notification_made boolean,
    notification_date date,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version integer not null default 1,
    constraint action_plans_case_fkey foreign key (case_id) references cases (id),
    constraint action_plans_coordinator_fkey foreign key (plan_coordinator_user_id) references users (id)
);

create table interventions (
    id uuid primary key,
    case_id uuid not null,
    type_id text not null,
    owner_user_id uuid not null,
    authority text not null,
    legal_basis text not null,
    legal_basis_other text,
    start_date date not null,
    next_review_date date not null,
    status text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version integer not null default 1,
    constraint interventions_case_fkey foreign key (case_id) references cases (id),
    constraint interventions_owner_fkey foreign key (owner_user_id) references users (id),
    constraint interventions_legal_basis_known check (legal_basis in ('barnets_lov', 'serviceloven12b', 'other')),
    constraint interventions_other_basis_named check (legal_basis <> 'other' or legal_basis_other is not null),
    constraint interventions_status_known check (status in ('planned', 'active', 'completed', 'stopped'))
);
create index interventions_case_idx on interventions (case_id);
create index interventions_owner_review_idx on interventions (owner_user_id, next_review_date)
    where status in ('planned', 'active');
create index interventions_start_idx on interventions (start_date, type_id);

create table reviews (
    id uuid primary key,
    case_id uuid not null,
    reviewed_by uuid not null,
    reviewed_at timestamptz not null,
    progress text not null,
    next_review_date date,
    constraint reviews_case_fkey foreign key (case_id) references cases (id),
    constraint reviews_reviewed_by_fkey foreign key (reviewed_by) references users (id)
);
create index reviews_case_idx on reviews (case_id, reviewed_at);

create table review_items (
    review_id uuid not null,
    intervention_id uuid not null,
    status text not null,
    note text,
    constraint review_items_pkey primary key (review_id, intervention_id),
    constraint review_items_review_fkey foreign key (review_id) references reviews (id),
    constraint review_items_intervention_fkey foreign key (intervention_id) references interventions (id),
    constraint review_items_status_known check (status in ('planned', 'active', 'completed', 'stopped'))
);

create table case_closings (
    id uuid primary key,
    case_id uuid not null,
    closed_by uuid not null,
    reason text not null,
    evaluation text,
    closed_at timestamptz not null,
    constraint case_closings_case_fkey foreign key (case_id) references cases (id),
    constraint case_closings_closed_by_fkey foreign key (closed_by) references users (id),
    constraint case_closings_reason_known check (reason in ('goals_met', 'ended_otherwise', 'moved',
        'no_basis', 'not_for_infohus', 'outside_remit', 'duplicate'))
);
create index case_closings_case_idx on case_closings (case_id, closed_at);
create index case_closings_closed_at_idx on case_closings (closed_at);

-- The profile's reviews after closing (default 6 and 12 months) as tasks for the coordinators.
create table post_closure_reviews (
    id uuid primary key,
    case_id uuid not null,
    closing_id uuid not null,
    months integer not null,
    due_date date not null,
    done_at timestamptz,
    done_by uuid,
    note text,
    constraint post_closure_reviews_case_fkey foreign key (case_id) references cases (id),
    constraint post_closure_reviews_closing_fkey foreign key (closing_id) references case_closings (id),
    constraint post_closure_reviews_done_by_fkey foreign key (done_by) references users (id)
);
create index post_closure_reviews_due_idx on post_closure_reviews (due_date) where done_at is null;
