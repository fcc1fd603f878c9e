-- promote.lua: moves due entries (retries and scheduled tasks) from the delayed set onto their priority's task stream.
-- Atomic, so any number of workers and orchestrators may run it at once and each entry is promoted exactly once; a
-- caller killed between calls loses nothing (an entry is either still in the set or already on its stream).
-- KEYS[1] delayed sorted set   KEYS[2] NORMAL task stream   KEYS[3] HIGH task stream   KEYS[4] LOW task stream
-- KEYS[5] scheduled index hash (task id -> member of a scheduled task, see schedule.lua)
-- ARGV[1] most entries to move in one call
-- "Due" means a score <= Redis TIME, the clock schedule.lua resolves a delay against.
-- Returns the number of entries moved.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local streams = { high = KEYS[3], normal = KEYS[2], low = KEYS[4] }
for _, message in ipairs(due) do
  local ok, decoded = pcall(cjson.decode, message)
  local stream = KEYS[2]
  local taskId = nil
  if ok and type(decoded) == 'table' then
    stream = streams[decoded.priority] or KEYS[2]
    taskId = decoded.taskId
  end
  redis.call('XADD', stream, '*', 'msg', message)
  redis.call('ZREM', KEYS[1], message)
  if type(taskId) == 'string' and redis.call('HGET', KEYS[5], taskId) == message then
    redis.call('HDEL', KEYS[5], taskId)
  end
end
return #due
