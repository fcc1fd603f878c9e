-- checkpoint.lua: saves a running task's handler checkpoint, only while this consumer still holds the task's entry,
-- so a worker whose lease was lost (the entry reclaimed by another) cannot overwrite the new holder's progress.
-- KEYS[1] task stream   KEYS[2] checkpoint hash of the task
-- ARGV[1] consumer group   ARGV[2] entry id   ARGV[3] consumer name   ARGV[4] checkpoint JSON   ARGV[5] attempt
-- ARGV[6] now, epoch ms   ARGV[7] TTL in seconds (a safety net: the outcome script deletes the checkpoint)
-- Returns 1 when saved, 0 when the entry is not pending for this consumer (nothing written).
local held = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1, ARGV[3])
if #held == 0 then
  return 0
end
redis.call('HSET', KEYS[2], 'data', ARGV[4], 'attempt', ARGV[5], 'at', ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[7])
return 1
