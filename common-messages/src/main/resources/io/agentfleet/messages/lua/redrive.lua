-- redrive.lua: puts dead letters back on the task stream as fresh tasks, atomically per call.
-- KEYS[1] dead-letter stream   KEYS[2..4] the task streams of priority normal, high, low   KEYS[5..] done keys
-- ARGV: quadruples of dead-letter entry id, index of its done key in KEYS (0 = none), index in KEYS of the task stream
--   of the message's priority (2..4), the new message JSON
-- A dead letter already redriven or purged by someone else is skipped, so concurrent redrives never duplicate.
-- Returns the new task entry id per quadruple, or false for a skipped one.
local ids = {}
for i = 1, #ARGV, 4 do
  local doneIndex = tonumber(ARGV[i + 1])
  if redis.call('XDEL', KEYS[1], ARGV[i]) == 1 then
    if doneIndex > 0 then
      redis.call('DEL', KEYS[doneIndex])
    end
    ids[#ids + 1] = redis.call('XADD', KEYS[tonumber(ARGV[i + 2])], '*', 'msg', ARGV[i + 3])
  else
    ids[#ids + 1] = false
  end
end
return ids
