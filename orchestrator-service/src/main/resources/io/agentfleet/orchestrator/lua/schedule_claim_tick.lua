-- schedule_claim_tick.lua: claims one due tick of a schedule for this replica. The schedule's next due time moves on
-- only if it is still the tick this replica read (another replica that claimed it first, a pause or a delete changed
-- it), so each tick is claimed once. A tick that starts a run is recorded, in the same step, in the starts set with a
-- lease: if this replica dies before the run exists, another one starts it (under the same run id) when the lease ends.
-- KEYS[1] due sorted set (prefix:{schedules}:due)   KEYS[2] starts sorted set (prefix:{schedules}:starts)
-- ARGV[1] schedule id   ARGV[2] the tick read, epoch ms   ARGV[3] the next tick, epoch ms
-- ARGV[4] starts member (id|tick), or '' when the tick starts no run   ARGV[5] lease end, epoch ms
-- Returns 1 when claimed, 0 when the tick was no longer due.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], 'XX', ARGV[3], ARGV[1])
if ARGV[4] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
end
return 1
