-- Infohus is a meeting (Randers' plan § 2; Ballerup's core group and visitation committee): a
-- municipality's meetings with an agenda of case items and general items, the people present,
-- the minutes of each item with a coded decision, and "who does what by when". And the police
-- district's network meeting, which shares knowledge and never discusses a case or a person.
create table meetings (
    id uuid primary key,
    kind text not null,
    -- A municipality's meeting belongs to the municipality; the network meeting to the district.
    municipality_id uuid,
    police_district_id uuid,
    starts_at timestamptz not null,
    place text not null,
    chair_user_id uuid not null,
    status text not null default 'planned',
    -- The network meeting's participants from other authorities (kriminalforsorgen, national
    -- authorities), as free text: organisations, not people of concern.
    other_participants text,
    -- The network meeting's snapshot of the district's suppressed figures for the last quarter.
    figures jsonb,
    version integer not null default 1,
    created_by uuid not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint meetings_municipality_fkey foreign key (municipality_id) references municipalities (id),
    constraint meetings_district_fkey foreign key (police_district_id) references police_districts (id),
    constraint meetings_chair_fkey foreign key (chair_user_id) references users (id),
    constraint meetings_created_by_fkey foreign key (created_by) references users (id),
    constraint meetings_kind_known check (kind in ('ordinary', 'ad_hoc', 'visitation', 'network')),
    constraint meetings_status_known check (status in ('planned', 'held', 'approved')),
    constraint meetings_owner check (case when kind = 'network'
        then municipality_id is null and police_district_id is not null
        else municipality_id is not null and police_district_id is null end),
    constraint meetings_network_only check (kind = 'network' or (other_participants is null and figures is null)),
    constraint meetings_place_length check (char_length(place) between 1 and 200),
    constraint meetings_other_participants_length check (char_length(other_participants) <= 2000),
    -- The items repeat the kind, so that a check on the item can refuse a case on the network.
    constraint meetings_id_kind_key unique (id, kind)
);
create index meetings_municipality_idx on meetings (municipality_id, starts_at)
    where municipality_id is not null;
create index meetings_district_idx on meetings (police_district_id, starts_at)
    where police_district_id is not null;

create table meeting_items (
    id uuid primary key,
    meeting_id uuid not null,
    meeting_kind text not null,
    position integer not null,
    -- A case item points to one case; a general item (trends, the local situation) has a title
    -- and no case and no person.
    case_id uuid,
    title text,
    summary text,
    decision text,
    referred_to text,
    version integer not null default 1,
    minuted_by uuid,
    minuted_at timestamptz,
    constraint meeting_items_meeting_fkey foreign key (meeting_id, meeting_kind)
        references meetings (id, kind) on delete cascade,
    constraint meeting_items_case_fkey foreign key (case_id) references cases (id),
    constraint meeting_items_minuted_by_fkey foreign key (minuted_by) references users (id),
    -- The district network shares knowledge: the database itself refuses a case on its agenda.
    constraint meeting_items_network_has_no_case check (meeting_kind <> 'network' or case_id is null),
    constraint meeting_items_case_or_title check ((case_id is null) <> (title is null)),
    constraint meeting_items_decision_known check (decision in (
        'act', 'not_act', 'more_information', 'refer')),
    constraint meeting_items_referral_names_authority check (
        (decision is not distinct from 'refer') = (referred_to is not null)),
    constraint meeting_items_title_length check (char_length(title) between 1 and 200),
    constraint meeting_items_summary_length check (char_length(summary) <= 4000),
    constraint meeting_items_referred_to_length check (char_length(referred_to) <= 200),
    constraint meeting_items_case_once unique (meeting_id, case_id),
    constraint meeting_items_meeting_position unique (meeting_id, position) deferrable initially deferred,
    constraint meeting_items_id_meeting_key unique (id, meeting_id),
    constraint meeting_items_id_meeting_case_key unique (id, meeting_id, case_id)
);
create index meeting_items_case_idx on meeting_items (case_id) where case_id is not null;

-- The users present: coordinators, police, core group.
create table meeting_participants (
    meeting_id uuid not null,
    user_id uuid not null,
    constraint meeting_participants_pkey primary key (meeting_id, user_id),
    constraint meeting_participants_meeting_fkey foreign key (meeting_id) references meetings (id) on delete cascade,
    constraint meeting_participants_user_fkey foreign key (user_id) references users (id)
);
create index meeting_participants_user_idx on meeting_participants (user_id);

-- Someone who is not a user (a teacher, kriminalforsorgen, psykiatrien), present for the item of
-- their own case only: the case is part of the key, so a guest can be attached to a case item
-- of the same meeting and to nothing else, and never to the network meeting.
create table meeting_guests (
    id uuid primary key,
    meeting_id uuid not null,
    item_id uuid not null,
    case_id uuid not null,
    name text not null,
    organisation text not null,
    function text not null,
    -- Told of their duty of confidentiality (tavshedspligt), by whom and when.
    confidentiality_told_by uuid not null,
    confidentiality_told_at timestamptz not null,
    constraint meeting_guests_item_fkey foreign key (item_id, meeting_id, case_id)
        references meeting_items (id, meeting_id, case_id) on delete cascade,
    constraint meeting_guests_told_by_fkey foreign key (confidentiality_told_by) references users (id),
    constraint meeting_guests_name_length check (char_length(name) between 1 and 200),
    constraint meeting_guests_organisation_length check (char_length(organisation) between 1 and 200),
    constraint meeting_guests_function_length check (char_length(function) between 1 and 200)
);
create index meeting_guests_item_idx on meeting_guests (item_id);
create index meeting_guests_case_idx on meeting_guests (case_id);

-- "Hvem der gør hvad": an action decided under an item, with one owner and a due date.
create table meeting_actions (
    id uuid primary key,
    meeting_id uuid not null,
    item_id uuid not null,
    description text not null,
    owner_user_id uuid not null,
    due_date date not null,
    done_at timestamptz,
    done_by uuid,
    created_by uuid not null,
    created_at timestamptz not null,
    constraint meeting_actions_item_fkey foreign key (item_id, meeting_id)
        references meeting_items (id, meeting_id) on delete cascade,
    constraint meeting_actions_owner_fkey foreign key (owner_user_id) references users (id),
    constraint meeting_actions_done_by_fkey foreign key (done_by) references users (id),
    constraint meeting_actions_created_by_fkey foreign key (created_by) references users (id),
    constraint meeting_actions_done_together check ((done_at is null) = (done_by is null)),
    constraint meeting_actions_description_length check (char_length(description) between 1 and 500)
);
-- "Mine opgaver": the open actions of one owner by due date, an index range scan.
create index meeting_actions_owner_open_idx on meeting_actions (owner_user_id, due_date)
    where done_at is null;
create index meeting_actions_item_idx on meeting_actions (item_id, created_at);

-- A case's timeline links to the meeting where it was discussed.
alter table case_history add column meeting_id uuid;
alter table case_history add constraint case_history_meeting_fkey
    foreign key (meeting_id) references meetings (id);

alter table case_history drop constraint case_history_move_known;
alter table case_history add constraint case_history_move_known check (move in (
    'open', 'concern_linked', 'team_added', 'team_removed', 'intervention_added',
    'intervention_updated', 'send_to_screening', 'screening_cleared', 'screening_not_for_infohus',
    'triage_proposed', 'triage_within_remit', 'triage_outside_remit', 'triage_confirmed', 'triage_objected', 'assessment_no_basis', 'assessment_basis',
    'reassess', 'plan_saved', 'intervention_saved', 'start_follow_up', 'review_recorded',
    'team_changed', 'close_goals_met', 'close_ended_otherwise', 'close_moved', 'close_no_basis',
    'close_not_for_infohus', 'close_outside_remit', 'close_duplicate', 'reopen',
    'post_closure_review', 'handed_over', 'details_changed', 'address_protection_set',
    'address_protection_lifted', 'journal_number_set', 'retention_extended',
    'notification_receipt_confirmed', 'disclosure_recorded', 'meeting_scheduled', 'meeting_minuted',
    'meeting_action_added', 'meeting_action_done'));

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
    'second_factor_reset', 'recovery_code_used', 'identity_linked', 'meeting_list_viewed',
    'meeting_viewed', 'meeting_printed', 'meeting_changed'));

alter table audit_events drop constraint audit_events_object_type_known;
alter table audit_events add constraint audit_events_object_type_known check (object_type in (
    'user', 'concern', 'case', 'municipality', 'police_district', 'unit', 'meeting'));

-- The purge deletes what a meeting recorded about the person with the rest of the case: the
-- guests of its items, the minutes' text and the actions' text. The item stays, without content,
-- so the meeting's agenda keeps its numbering.
create or replace function infohus_purge_case(p_case uuid, p_now timestamptz) returns jsonb
language plpgsql as $$
declare
    n_concerns integer;
    n_interventions integer;
begin
    perform 1 from cases where id = p_case and closed_at is not null and purged_at is null for update;
    if not found then
        return null;
    end if;
    perform set_config('infohus.purging', 'on', true);

    insert into purged_concerns (id, municipality_id, case_id, unit_id, source, kind,
                                 subject_is_minor, repeat, filed_at, purged_at)
    select id, municipality_id, case_id, unit_id, source, kind, subject_is_minor, repeat,
           filed_at, p_now
    from concerns where case_id = p_case;
    get diagnostics n_concerns = row_count;
    insert into purged_interventions (id, case_id, type_id, start_date)
    select id, case_id, type_id, start_date from interventions where case_id = p_case;
    get diagnostics n_interventions = row_count;

    delete from review_items where review_id in (select id from reviews where case_id = p_case);
    delete from reviews where case_id = p_case;
    delete from interventions where case_id = p_case;
    delete from assessment_ratings where assessment_id in (select id from assessments where case_id = p_case);
    delete from assessments where case_id = p_case;
    delete from action_plans where case_id = p_case;
    delete from screenings where case_id = p_case;
    delete from triage_decisions where case_id = p_case;
    delete from triage_proposals where case_id = p_case;
    delete from case_team where case_id = p_case;
    delete from post_closure_reviews where case_id = p_case;
    delete from disclosures where case_id = p_case;
    delete from meeting_guests where case_id = p_case;
    update meeting_actions set description = 'Slettet'
    where item_id in (select id from meeting_items where case_id = p_case);
    update meeting_items set summary = null, referred_to = case when decision = 'refer' then 'Slettet' end
    where case_id = p_case;
    update case_closings set evaluation = null where case_id = p_case;
    delete from concern_addenda where concern_id in (select id from concerns where case_id = p_case);
    delete from concern_history where concern_id in (select id from concerns where case_id = p_case);
    delete from alerts where link in (select '/bekymringer/' || id from concerns where case_id = p_case)
                          or link in (select '/infohus/indgang/' || id from concerns where case_id = p_case)
                          or link = '/sager/' || p_case;
    delete from concerns where case_id = p_case;
    update case_history set reason = null where case_id = p_case;
    update cases
    set subject_name = '', subject_birth_date = null, subject_approx_age = null,
        subject_cpr = null, subject_address = null, subject_address_protected = false,
        journal_number = null, purged_at = p_now, updated_at = p_now, version = version + 1
    where id = p_case;

    perform set_config('infohus.purging', 'off', true);
    return jsonb_build_object('concerns', n_concerns, 'interventions', n_interventions);
end;
$$;
