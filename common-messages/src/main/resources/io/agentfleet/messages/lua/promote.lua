-- promote.lua: moves retries whose due time has come from the delayed set back onto the task stream.
-- Atomic, so any number of workers may run it at once and each retry is promoted exactly once.
-- KEYS[1] delayed sorted set   KEYS[2] task stream
-- ARGV[1] now, epoch ms   ARGV[2] most entries to move in one call
-- Returns the number of entries moved.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, message in ipairs(due) do
  redis.call('XADD', KEYS[2], '*', 'msg', message)
  redis.call('ZREM', KEYS[1], message)
end
return #due
