-- purge_dead.lua: deletes a dead-letter stream, counting what it held, in one step.
-- KEYS[1] dead-letter stream (prefix:{A}:dead, or a partition's)
-- Returns how many dead letters there were.
local n = redis.call('XLEN', KEYS[1])
redis.call('DEL', KEYS[1])
return n
