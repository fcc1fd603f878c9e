-- schedule.lua: accepts task messages that run later: each waits in the delayed set, scored by its due time, until a
-- promoter (promote.lua) moves it to its task stream. All or nothing per call, like enqueue.lua.
-- KEYS[1] delayed sorted set   KEYS[2] scheduled index hash (task id -> member, for cancelling)   KEYS[3] config hash
-- KEYS[4..6] NORMAL, HIGH, LOW task streams (their lengths count towards the backlog)
-- KEYS[7..] optional, one per message: its "enqueued once" marker (as in enqueue.lua)
-- ARGV[1] backlog bound used when the config hash has no max-backlog field (0 = unbounded)
-- ARGV[2] due time: "+<ms>" = that long after Redis TIME, or an absolute epoch ms
-- ARGV[3..] pairs: task id, message JSON
-- The backlog is every task accepted and not completed: the streams' XLEN plus the delayed set's ZCARD.
-- Returns {due ms, then per message 1 = scheduled or 0 = skipped (its task id is scheduled already, or its marker
-- exists)}, or the error "BACKPRESSURE <backlog> <bound>" and schedules nothing.
local bound = tonumber(redis.call('HGET', KEYS[3], 'max-backlog') or ARGV[1])
local count = (#ARGV - 2) / 2
if bound > 0 then
  local backlog = redis.call('ZCARD', KEYS[1])
  for i = 4, 6 do
    backlog = backlog + redis.call('XLEN', KEYS[i])
  end
  if backlog + count > bound then
    return redis.error_reply('BACKPRESSURE ' .. backlog .. ' ' .. bound)
  end
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local due
if string.sub(ARGV[2], 1, 1) == '+' then
  due = now + tonumber(string.sub(ARGV[2], 2))
else
  due = tonumber(ARGV[2])
end
local markerTtl = math.max(604800, math.ceil((due - now) / 1000) + 604800)
local out = { due }
for m = 1, count do
  local taskId = ARGV[1 + 2 * m]
  local message = ARGV[2 + 2 * m]
  local marker = KEYS[6 + m]
  local fresh = redis.call('HEXISTS', KEYS[2], taskId) == 0
  if fresh and marker ~= nil then
    fresh = redis.call('SET', marker, '1', 'NX', 'EX', markerTtl) ~= false
  end
  if fresh then
    redis.call('ZADD', KEYS[1], due, message)
    redis.call('HSET', KEYS[2], taskId, message)
    out[m + 1] = 1
  else
    out[m + 1] = 0
  end
end
return out
