-- commit.lua: applies one state transition of a workflow run, only if nobody changed the run since it was read
-- (optimistic concurrency on the run's version, as JobRunr does), so two replicas never apply the same step twice.
-- KEYS[1] state hash (prefix:{run:R}:state)   KEYS[2] events stream (prefix:{run:R}:events)
-- KEYS[3] outbox hash (prefix:{run:R}:outbox)  KEYS[4] cancel key (prefix:{run:R}:cancel)
-- ARGV[1] expected version (0 = the run must not exist yet)   ARGV[2] retention seconds when the run ends here (0 = it
-- does not end)   ARGV[3] '1' = set the cancel key   ARGV[4] F hash fields   ARGV[5] E events   ARGV[6] O outbox entries
-- then F pairs (field, value), E pairs (event type, event data JSON), O pairs (wire task id, outbox entry)
-- Returns {newVersion, eventEntryId...} when applied, or {-1, currentVersion} when the version did not match.
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current ~= tonumber(ARGV[1]) then
  return {-1, current}
end
local version = current + 1
local fields, events, outbox = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local i = 7
local hset = {'version', tostring(version)}
for _ = 1, fields do
  hset[#hset + 1] = ARGV[i]
  hset[#hset + 1] = ARGV[i + 1]
  i = i + 2
end
redis.call('HSET', KEYS[1], unpack(hset))
local result = {version}
for _ = 1, events do
  result[#result + 1] = redis.call('XADD', KEYS[2], '*', 'type', ARGV[i], 'data', ARGV[i + 1])
  i = i + 2
end
for _ = 1, outbox do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  i = i + 2
end
if ARGV[3] == '1' then
  redis.call('SET', KEYS[4], '1')
end
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  for k = 1, 4 do
    redis.call('EXPIRE', KEYS[k], ttl)
  end
end
return result
