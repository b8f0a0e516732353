-- Failed logins are counted in a sliding window: the times of the recent failures, not a
-- counter that only a successful login resets (which let one wrong attempt per lock period keep
-- any account locked for ever). A lock's start clears the window, so its end starts afresh.
alter table users add column recent_failures timestamptz[] not null default '{}';
