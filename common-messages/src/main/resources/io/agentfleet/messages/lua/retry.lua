-- retry.lua: schedules a task's next attempt and acknowledges the current entry, atomically.
-- KEYS[1] task stream   KEYS[2] delayed sorted set   KEYS[3] done key of the task
-- ARGV[1] consumer group   ARGV[2] entry id   ARGV[3] due time, epoch ms   ARGV[4] next attempt's message JSON
-- Returns 1 when scheduled, 0 when the task already has a recorded outcome (then it is only acknowledged).
local scheduled = 0
if redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
  scheduled = 1
end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return scheduled
