-- token_bucket.lua: takes one request and N tokens from a provider key's bucket shared by every worker replica,
-- or says how long to wait. Both limits refill continuously; capacity = rate x burst window.
--
-- KEYS[1]  prefix:ratelimit:{endpointId}   hash: r = requests left, t = tokens left, ts = last update (ms)
-- ARGV[1]  requests per minute (0 = no request limit)
-- ARGV[2]  tokens per minute (0 = no token limit)
-- ARGV[3]  tokens this call needs (capped at the token capacity, so a large call waits for a full bucket)
-- ARGV[4]  burst window in ms
-- Returns 0 when granted (both buckets debited), else the ms to wait before asking again (nothing debited).
--
-- Time comes from Redis (TIME), not from the callers, so replicas with skewed clocks share one timeline.
local rpm = tonumber(ARGV[1])
local tpm = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local burst = tonumber(ARGV[4])

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local state = redis.call('HMGET', KEYS[1], 'r', 't', 'ts')
local last = tonumber(state[3]) or now
local elapsed = math.max(0, now - last)

local function refill(current, perMinute)
  local capacity = math.max(1, perMinute * burst / 60000)
  local level = tonumber(current) or capacity
  return math.min(capacity, level + elapsed * perMinute / 60000), capacity
end

local wait = 0
local requests = 0
local tokens = 0
if rpm > 0 then
  requests = refill(state[1], rpm)
  if requests < 1 then
    wait = math.max(wait, math.ceil((1 - requests) * 60000 / rpm))
  end
end
if tpm > 0 then
  local capacity
  tokens, capacity = refill(state[2], tpm)
  want = math.min(want, capacity)
  if tokens < want then
    wait = math.max(wait, math.ceil((want - tokens) * 60000 / tpm))
  end
end
if wait == 0 then
  if rpm > 0 then requests = requests - 1 end
  if tpm > 0 then tokens = tokens - want end
end

redis.call('HSET', KEYS[1], 'r', tostring(requests), 't', tostring(tokens), 'ts', tostring(now))
-- A bucket left alone for a whole burst window is full again, which is what a missing key means.
redis.call('PEXPIRE', KEYS[1], math.ceil(burst) + 1000)
return wait
