-- schedule_resume.lua: makes a paused schedule due again, unless it was deleted meanwhile.
-- KEYS[1] definitions hash (prefix:{schedules}:defs)   KEYS[2] due sorted set (prefix:{schedules}:due)
-- ARGV[1] schedule id   ARGV[2] next tick, epoch ms
-- Returns -1 when the schedule does not exist, 1 when it was resumed, 0 when it was not paused.
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return -1
end
return redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[1])
