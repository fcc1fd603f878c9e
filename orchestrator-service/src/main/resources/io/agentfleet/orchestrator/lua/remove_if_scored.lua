-- remove_if_scored.lua: removes a schedule member only if its score is still the lease this replica set, so an entry
-- re-added meanwhile (a new deadline, a new outbox to drain) is not lost.
-- KEYS[1] sorted set   ARGV[1] member   ARGV[2] the score this replica expects (its lease end)
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
