-- reap_consumer.lua: removes one consumer from a consumer group, but only while it holds no pending entries and
-- has been idle at least the threshold, re-checked here so that a consumer that read or claimed an entry since the
-- caller looked is kept (XGROUP DELCONSUMER would drop its pending entries, losing them).
-- KEYS[1] the stream (prefix:{A}:tasks or prefix:{A}:results, or a partition's)
-- ARGV[1] the group (workers or orchestrators)
-- ARGV[2] the consumer
-- ARGV[3] the least idle time in milliseconds (XINFO CONSUMERS idle: since the consumer's last read or claim attempt)
-- Returns 1 when removed; 0 when kept (pending entries, idle below the threshold, or no such stream, group or consumer).
local consumers = redis.pcall('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
if type(consumers) ~= 'table' or consumers.err then
  return 0
end
local minIdle = tonumber(ARGV[3])
for _, fields in ipairs(consumers) do
  local c = {}
  for i = 1, #fields, 2 do
    c[fields[i]] = fields[i + 1]
  end
  if c['name'] == ARGV[2] then
    if tonumber(c['pending']) ~= 0 or tonumber(c['idle']) < minIdle then
      return 0
    end
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
    return 1
  end
end
return 0
