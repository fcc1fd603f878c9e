-- unschedule.lua: cancels scheduled tasks that have not been promoted yet.
-- KEYS[1] delayed sorted set   KEYS[2] scheduled index hash (task id -> member)
-- ARGV[1..] task ids
-- Returns how many of them were still scheduled and are now removed (a promoted or unknown task id counts 0).
local removed = 0
for _, taskId in ipairs(ARGV) do
  local member = redis.call('HGET', KEYS[2], taskId)
  if member then
    removed = removed + redis.call('ZREM', KEYS[1], member)
    redis.call('HDEL', KEYS[2], taskId)
  end
end
return removed
