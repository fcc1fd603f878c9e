-- rate_limit.lua: a fixed-window request counter shared by all replicas.
-- KEYS[1] counter of one API key's current window   ARGV[1] window length, ms
-- Returns {requests in this window including this one, ms until the window ends}.
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
