-- schedule_delete.lua: removes a schedule with its due tick and tick history. Runs it started are not touched.
-- KEYS[1] definitions hash (prefix:{schedules}:defs)   KEYS[2] due sorted set (prefix:{schedules}:due)
-- KEYS[3] the tenant's schedule ids (prefix:{schedules}:tenant:T)   KEYS[4] tick history (prefix:{schedules}:ticks:ID)
-- ARGV[1] schedule id
-- Returns 1 when it was deleted, 0 when it did not exist.
local deleted = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('DEL', KEYS[4])
return deleted
