-- The workflow's additions: legal-basis ids as the catalogue spells them, and a named type for
-- the catalogue's "other" interventions.

alter table interventions drop constraint interventions_legal_basis_known;
alter table interventions add constraint interventions_legal_basis_known
    check (legal_basis in ('barnets_lov', 'serviceloven_12b', 'other'));

-- "Anden indsats (angiv)": the plan names what the intervention is.
alter table interventions add column type_other text;
alter table interventions add constraint interventions_other_type_named
    check (type_id not in ('other_under_18', 'other_adult') or type_other is not null);

-- The coordinator's "my tasks" and the case list look cases up by stage across municipalities.
create index cases_stage_idx on cases (stage, municipality_id);
create index post_closure_reviews_case_idx on post_closure_reviews (case_id, due_date);

-- Records of one case made within the same instant (a meeting's assessment and its
-- reassessment, a fixed clock in tests) still have an order.
alter table assessments add column seq bigint generated always as identity;
alter table reviews add column seq bigint generated always as identity;
alter table case_closings add column seq bigint generated always as identity;
