-- The events that change what an access token may do (suspension, reinstatement, a new
-- role). Every API process folds them into its access view at start and then follows
-- them; the partial index keeps both reads to the few matching rows, whatever the size
-- of the log, and costs appends of other events nothing. The query must repeat this
-- exact predicate for the planner to use the index.
CREATE INDEX events_access_changes ON events (position)
    WHERE event_type IN ('account_suspended', 'account_reinstated', 'role_changed');

-- Idempotency keys are forgotten a day after their first use, and the oldest go first
-- when there are too many: both deletes walk this index instead of the table.
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
