-- The instance's calling hours (SaveBaseStrategyPeriod, StrategyLevel 2): one row per
-- instance that has set them; an instance without a row is open all hours. The
-- dispatcher reads them with the dispatchable groups, one join per round.
CREATE TABLE instance_calling_hours (
  instance_id   TEXT PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
  working_time  JSONB NOT NULL,
  only_weekdays BOOLEAN NOT NULL,
  only_workdays BOOLEAN NOT NULL,
  modified_at   BIGINT NOT NULL
);
