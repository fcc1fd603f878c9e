-- admit_run.lua: admits a run into its tenant's set of runs in flight if the set is below the limit.
-- KEYS[1] the tenant's runs-in-flight set   ARGV[1] run id   ARGV[2] the tenant's max-runs-in-flight
-- Returns 1 when admitted, 0 when the tenant is at its limit.
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('SADD', KEYS[1], ARGV[1])
return 1
