-- register_partitions.lua: raises an agent type's registered partition count, never lowers it.
-- KEYS[1] partition 0's config hash (prefix:{A}:config)
-- ARGV[1] the partition count this process is configured with (>= 1)
-- Returns the registered count: the highest count any process was ever configured with (1 when none was).
local current = tonumber(redis.call('HGET', KEYS[1], 'partitions') or '1')
local wanted = tonumber(ARGV[1])
if wanted > current then
  redis.call('HSET', KEYS[1], 'partitions', wanted)
  return wanted
end
return current
