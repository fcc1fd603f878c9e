-- reap_consumers.lua: one pass of consumer-group hygiene over one group, atomically: records the caller's heartbeat,
-- counts the group's consumers and removes the ghosts among them.
-- A consumer was last seen at the later of (now - its XINFO CONSUMERS idle) and its heartbeat in the seen hash (Redis
-- before 7.2 does not refresh idle on a read that delivers nothing, so an idle but running consumer needs the
-- heartbeat). It is live when last seen less than the threshold ago; a ghost otherwise. A ghost with pending entries is
-- kept (XGROUP DELCONSUMER would drop them) until the reclaim path has taken them over; a ghost with none is removed.
-- Heartbeats older than the threshold whose consumer is gone are dropped.
-- KEYS[1] the stream (prefix:{A}:tasks or prefix:{A}:results, or a partition's)
-- KEYS[2] the group's seen hash (prefix:{A}:seen:<group>): consumer -> last heartbeat, ms of Redis time
-- ARGV[1] the group (workers or orchestrators)
-- ARGV[2] the threshold in milliseconds
-- ARGV[3] the caller's consumer name to record a heartbeat for, or '' for none
-- ARGV[4] '1' to remove ghosts, '0' to count only
-- Returns {consumers left, live consumers, consumers removed, ghosts kept for their pending entries}.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local threshold = tonumber(ARGV[2])
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[3], now)
end
local seen = {}
local flat = redis.call('HGETALL', KEYS[2])
for i = 1, #flat, 2 do
  seen[flat[i]] = tonumber(flat[i + 1])
end
local consumers = redis.pcall('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
if type(consumers) ~= 'table' or consumers.err then
  consumers = {}
end
local total, live, removed, waiting = 0, 0, 0, 0
local present = {}
for _, fields in ipairs(consumers) do
  local c = {}
  for i = 1, #fields, 2 do
    c[fields[i]] = fields[i + 1]
  end
  local name = c['name']
  present[name] = true
  local last = now - tonumber(c['idle'])
  if seen[name] and seen[name] > last then
    last = seen[name]
  end
  total = total + 1
  if now - last < threshold then
    live = live + 1
  elseif tonumber(c['pending']) ~= 0 then
    waiting = waiting + 1
  elseif ARGV[4] == '1' then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
    if seen[name] then
      redis.call('HDEL', KEYS[2], name)
    end
    total = total - 1
    removed = removed + 1
  end
end
if ARGV[4] == '1' then
  for name, at in pairs(seen) do
    if not present[name] and now - at >= threshold then
      redis.call('HDEL', KEYS[2], name)
    end
  end
end
return {total, live, removed, waiting}
