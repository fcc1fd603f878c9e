-- claim_due.lua: claims due members of a schedule (deadlines, outboxes to sweep) for one replica at a time.
-- A claimed member is not removed but re-scored to the lease end, so if the claiming replica dies before it removes
-- the member (ZREM once handled), another replica claims it again when the lease has run out.
-- KEYS[1] sorted set scored by due time (epoch ms)
-- ARGV[1] now, epoch ms   ARGV[2] most members to claim   ARGV[3] lease end, epoch ms
-- Returns the claimed members.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[3], member)
end
return due
