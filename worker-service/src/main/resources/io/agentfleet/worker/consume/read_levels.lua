-- read_levels.lua: one non-blocking read over a partition's three task streams that takes at most the free slots,
-- split between the levels as the caller's weighted round planned.
-- KEYS[1] HIGH task stream (prefix:{A}:tasks:high)   KEYS[2] NORMAL (prefix:{A}:tasks)   KEYS[3] LOW (prefix:{A}:tasks:low)
-- ARGV[1] consumer group   ARGV[2] consumer name   ARGV[3..5] the planned slots of HIGH, NORMAL, LOW
-- Each level first reads up to its planned count; the slots a level leaves unused then go to the levels that may
-- hold more, highest first. So the reply never holds more entries than the planned total.
-- Returns one flat array per level: {entry id, msg field (false when missing), entry id, msg, ...}, then
-- {HIGH, NORMAL, LOW}: 1 where the level may hold more entries, 0 where a read found it drained.
local group, consumer = ARGV[1], ARGV[2]
local planned = { tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]) }
local left = planned[1] + planned[2] + planned[3]
local out = { {}, {}, {} }
local mayHoldMore = { true, true, true }

local function read(level, count)
  local reply = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'STREAMS', KEYS[level], '>')
  local got = 0
  if reply then
    local entries = out[level]
    for _, entry in ipairs(reply[1][2]) do
      local fields, msg = entry[2], false
      if fields then
        for i = 1, #fields, 2 do
          if fields[i] == 'msg' then
            msg = fields[i + 1]
            break
          end
        end
      end
      entries[#entries + 1] = entry[1]
      entries[#entries + 1] = msg
      got = got + 1
    end
  end
  if got < count then
    mayHoldMore[level] = false
  end
  left = left - got
end

for level = 1, 3 do
  if planned[level] > 0 then
    read(level, planned[level])
  end
end
for level = 1, 3 do
  if left > 0 and mayHoldMore[level] then
    read(level, left)
  end
end
out[4] = { mayHoldMore[1] and 1 or 0, mayHoldMore[2] and 1 or 0, mayHoldMore[3] and 1 or 0 }
return out
