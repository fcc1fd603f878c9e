-- enqueue.lua: appends task messages to an agent type's stream unless its backlog would pass the bound.
-- KEYS[1] the task stream of the messages' priority (prefix:{A}:tasks, prefix:{A}:tasks:high or prefix:{A}:tasks:low)
-- KEYS[2] config hash (prefix:{A}:config)   KEYS[3], KEYS[4] the task streams of the two other priorities (the backlog
--   bound counts every level)   KEYS[5] the delayed set (prefix:{A}:delayed: retries and scheduled tasks, which count too)
-- KEYS[6..] optional, one per message: its "enqueued once" marker (prefix:{A}:enqueued:<taskId>), which holds the
--   entry id it was appended as. A message whose marker exists is not appended again (its id comes back as false), so
--   a dispatcher that repeats an enqueue after a crash, or a producer that resubmits a task id, adds nothing. Markers
--   expire after 7 days.
-- ARGV[1] backlog bound used when the config hash has no max-backlog field (0 = unbounded)
-- ARGV[2..] message JSON, one per task
-- Returns the new entry ids in order (false for a message skipped by its marker), or the error "BACKPRESSURE <backlog> <bound>" and enqueues nothing.
-- The backlog is every task accepted and not completed, as in schedule.lua: acknowledged entries are deleted from the
-- streams, so their XLEN counts the entries not yet completed, plus the delayed set's ZCARD.
local bound = tonumber(redis.call('HGET', KEYS[2], 'max-backlog') or ARGV[1])
local count = #ARGV - 1
if bound > 0 then
  local backlog = redis.call('XLEN', KEYS[1]) + redis.call('XLEN', KEYS[3]) + redis.call('XLEN', KEYS[4])
    + redis.call('ZCARD', KEYS[5])
  if backlog + count > bound then
    return redis.error_reply('BACKPRESSURE ' .. backlog .. ' ' .. bound)
  end
end
local ids = {}
for i = 2, #ARGV do
  local marker = KEYS[i + 4]
  if marker == nil then
    ids[i - 1] = redis.call('XADD', KEYS[1], '*', 'msg', ARGV[i])
  elseif redis.call('EXISTS', marker) == 0 then
    ids[i - 1] = redis.call('XADD', KEYS[1], '*', 'msg', ARGV[i])
    redis.call('SET', marker, ids[i - 1], 'EX', 604800)
  else
    ids[i - 1] = false
  end
end
return ids
