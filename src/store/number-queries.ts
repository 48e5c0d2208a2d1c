/**
 * Every SQL statement of the NumberStore (schema: sqlite/ and postgres/migrations/000015),
 * written once: both dialects read them alike (quoted camelCase aliases, named
 * parameters, ON CONFLICT). Each backend's store only runs them.
 */

const COLUMNS = `n.id, n.account_id AS "accountId", n.number, n.number_key AS "numberKey", n.region, n.status, n.trunk,
  n.rate_limit_count AS "rateLimitCount", n.rate_limit_period AS "rateLimitPeriod", n.created_at AS "createdAt"`;

export const pool = {
  insert: `INSERT INTO calling_numbers (id, account_id, number, number_key, region, status, trunk, rate_limit_count, rate_limit_period, created_at)
    VALUES (@id, @accountId, @number, @numberKey, @region, @status, @trunk, @rateLimitCount, @rateLimitPeriod, @createdAt)
    ON CONFLICT (account_id, number_key) DO NOTHING`,
  find: `SELECT ${COLUMNS} FROM calling_numbers n WHERE n.account_id = @accountId AND n.number_key = @numberKey`,
  list: `SELECT ${COLUMNS} FROM calling_numbers n WHERE n.account_id = @accountId ORDER BY n.created_at, n.id`,
  // The names of the instances each of the account's numbers is bound to, for listNumbers to group.
  boundNames: `SELECT b.number_id AS "numberId", i.name FROM calling_number_bindings b
    JOIN instances i ON i.id = b.instance_id WHERE i.account_id = @accountId ORDER BY i.created_at, i.id`,
  // Bindings go with the number (ON DELETE CASCADE).
  remove: `DELETE FROM calling_numbers WHERE account_id = @accountId AND number_key = @numberKey`,
  setRateLimit: `UPDATE calling_numbers SET rate_limit_count = @count, rate_limit_period = @period
    WHERE account_id = @accountId AND id = @numberId`,
};

export const bindings = {
  clear: `DELETE FROM calling_number_bindings WHERE number_id = @numberId`,
  // Only an instance of the number's account is bound; another tenant's id binds nothing.
  bind: `INSERT INTO calling_number_bindings (number_id, instance_id, created_at)
    SELECT n.id, i.id, @createdAt FROM calling_numbers n JOIN instances i ON i.account_id = n.account_id
    WHERE n.id = @numberId AND n.account_id = @accountId AND i.id = @instanceId
    ON CONFLICT DO NOTHING`,
  bindKey: `INSERT INTO calling_number_bindings (number_id, instance_id, created_at)
    SELECT n.id, i.id, @createdAt FROM calling_numbers n JOIN instances i ON i.account_id = n.account_id
    WHERE n.account_id = @accountId AND n.number_key = @numberKey AND i.id = @instanceId
    ON CONFLICT DO NOTHING`,
  ofNumber: `SELECT i.id AS "instanceId", i.name AS "instanceName",
      EXISTS (SELECT 1 FROM calling_number_bindings b WHERE b.instance_id = i.id AND b.number_id = @numberId) AS "bound"
    FROM instances i WHERE i.account_id = @accountId ORDER BY i.created_at, i.id`,
  ofInstance: `SELECT ${COLUMNS} FROM calling_number_bindings b JOIN calling_numbers n ON n.id = b.number_id
    WHERE b.instance_id = @instanceId ORDER BY n.created_at, n.id LIMIT @limit OFFSET @offset`,
  countOfInstance: `SELECT count(*) AS n FROM calling_number_bindings WHERE instance_id = @instanceId`,
  findInInstance: `SELECT ${COLUMNS} FROM calling_number_bindings b JOIN calling_numbers n ON n.id = b.number_id
    WHERE b.instance_id = @instanceId AND n.id = @numberId`,
  unbind: `DELETE FROM calling_number_bindings WHERE instance_id = @instanceId AND number_id = @numberId`,
};
