-- The case list marks cases with a repeat concern: one probe of this small index per listed case.
create index concerns_repeat_case_idx on concerns (case_id) where repeat;
