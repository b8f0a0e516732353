-- The case list pages by (stage_changed_at, id), newest first, with the open cases as its
-- default view: both read a page in index order instead of sorting every visible case.
create index cases_list_idx on cases (stage_changed_at desc, id desc);
create index cases_open_list_idx on cases (stage_changed_at desc, id desc) where stage <> 'closed';
