-- schedule_create.lua: stores a new recurring schedule, unless its tenant already has as many as it may.
-- KEYS[1] definitions hash (prefix:{schedules}:defs)   KEYS[2] due sorted set (prefix:{schedules}:due)
-- KEYS[3] the tenant's schedule ids (prefix:{schedules}:tenant:T)
-- ARGV[1] schedule id   ARGV[2] definition JSON   ARGV[3] first due tick, epoch ms   ARGV[4] most schedules per tenant
-- Returns 1 when stored, 0 when the tenant is at its limit.
if redis.call('SCARD', KEYS[3]) >= tonumber(ARGV[4]) then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1
