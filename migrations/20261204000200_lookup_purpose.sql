-- Why someone looked at a case: the purpose of every read (GDPR art. 15, CJEU C-579/21),
-- taken from where the look came from (`domain::lookup::Purpose`). Older rows have none.
alter table audit_events add column purpose text;
alter table audit_events add constraint audit_events_purpose_known check (purpose is null or purpose in (
    'task', 'intake_queue', 'screening_queue', 'search', 'case_list', 'alert', 'handover',
    'case_work', 'concern', 'direct_link'));
