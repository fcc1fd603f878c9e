-- counter.lua: reads a fixed-window counter (as rate_limit.lua keeps it) without counting.
-- KEYS[1] the counter
-- Returns {count in the current window (0 when none), ms until the window ends (-2 when none)}.
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
return {count, redis.call('PTTL', KEYS[1])}
