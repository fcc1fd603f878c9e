-- record_outcomes.lua: records task outcomes and acknowledges their entries in one atomic step; first outcome wins.
-- KEYS[1] task stream   KEYS[2] result stream   KEYS[3] dead-letter stream   KEYS[4..] per task with a task id its
--   done key, then its handler checkpoint key (deleted: the outcome ends the task, so no attempt needs it any more)
-- ARGV[1] consumer group   ARGV[2] done-record TTL in seconds   ARGV[3] result stream max length (0 = keep all)
-- ARGV[4] dead-letter stream max length (0 = keep all)   ARGV[5] now, epoch ms   ARGV[6] worker id
-- then per item 5 ARGV: entry id, index of its done key in KEYS (0 = the message had no task id), outcome JSON
--   (RESULT or ERROR message), task id, dead-letter reason ('' = not dead-lettered); and only when the reason is
--   not '' 4 more: attempts, last error, original message, tenant of the original message ('' = none)
-- Returns one code per item: 1 recorded, 0 duplicate (an outcome was recorded before; nothing written),
--   2 dead-lettered without a task id.
local group, ttl = ARGV[1], ARGV[2]
local resultsMax, deadMax, now, worker = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], ARGV[6]
local codes = {}
local entryIds = {}

local function append(stream, maxLen, ...)
  if maxLen > 0 then
    redis.call('XADD', stream, 'MAXLEN', '~', maxLen, '*', ...)
  else
    redis.call('XADD', stream, '*', ...)
  end
end

local i = 7
while i <= #ARGV do
  local entryId, doneIndex, outcome, taskId = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2], ARGV[i + 3]
  local deadReason = ARGV[i + 4]
  local code = 2
  if doneIndex > 0 then
    if redis.call('SET', KEYS[doneIndex], outcome, 'NX', 'EX', ttl) then
      append(KEYS[2], resultsMax, 'msg', outcome, 'taskId', taskId)
      code = 1
    else
      code = 0
    end
    redis.call('DEL', KEYS[doneIndex + 1])
  end
  if code ~= 0 and deadReason ~= '' then
    append(KEYS[3], deadMax, 'msg', ARGV[i + 7], 'taskId', taskId, 'reason', deadReason,
      'attempts', ARGV[i + 5], 'error', ARGV[i + 6], 'worker', worker, 'at', now, 'entry', entryId,
      'tenant', ARGV[i + 8])
  end
  entryIds[#entryIds + 1] = entryId
  codes[#codes + 1] = code
  i = i + (deadReason == '' and 5 or 9)
end
-- One XACK and one XDEL for the whole batch (in chunks that stay below Lua's argument limit).
for first = 1, #entryIds, 1000 do
  local last = math.min(first + 999, #entryIds)
  redis.call('XACK', KEYS[1], group, unpack(entryIds, first, last))
  redis.call('XDEL', KEYS[1], unpack(entryIds, first, last))
end
return codes
