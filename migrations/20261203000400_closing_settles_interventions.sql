-- Closing a case settles its open interventions (issue 15): each ended on a date, or continues
-- outside Infohus with a named authority, so that no closed case keeps an intervention
-- "active". Reopening a case cancels the reviews after closing that were still to come.

alter table interventions
    add column ended_on date,
    add column continues_with text,
    drop constraint interventions_status_known,
    add constraint interventions_status_known
        check (status in ('planned', 'active', 'completed', 'stopped', 'continues_outside')),
    add constraint interventions_continuing_names_authority
        check (status <> 'continues_outside' or continues_with is not null);

alter table review_items
    drop constraint review_items_status_known,
    add constraint review_items_status_known
        check (status in ('planned', 'active', 'completed', 'stopped', 'continues_outside'));

alter table post_closure_reviews add column cancelled_at timestamptz;

-- Reviews still to come of cases that were reopened before this change.
update post_closure_reviews p set cancelled_at = c.updated_at
from cases c
where c.id = p.case_id and p.done_at is null and c.stage <> 'closed';
-- And those of an earlier closing of a case closed again since.
update post_closure_reviews p set cancelled_at = c.closed_at
from case_closings c
where c.id = p.closing_id and p.done_at is null and p.cancelled_at is null
  and exists (select 1 from case_closings later
              where later.case_id = c.case_id and (later.closed_at, later.seq) > (c.closed_at, c.seq));
