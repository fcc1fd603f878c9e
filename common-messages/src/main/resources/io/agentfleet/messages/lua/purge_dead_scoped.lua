-- purge_dead_scoped.lua: deletes one tenant's dead letters (or every entry after a cursor) from a dead-letter
-- stream in one step, reading at most a budget of entries so a scoped purge does bounded work.
-- KEYS[1] dead-letter stream (prefix:{A}:dead, or a partition's)
-- ARGV[1] where to start: '-' for the oldest entry, or '(' .. an entry id to continue after it
-- ARGV[2] most entries to read; 0 = read to the end of the stream
-- ARGV[3] (optional) tenant: only entries whose 'tenant' field equals it are deleted; absent = every entry read
-- Returns {deleted, the last entry id read when the budget ran out, else ''}.
local stream = KEYS[1]
local start = ARGV[1]
local budget = tonumber(ARGV[2])
local tenant = ARGV[3]
local page = 100
local read = 0
local deleted = 0

local function belongs(fields)
  if tenant == nil then
    return true
  end
  for i = 1, #fields, 2 do
    if fields[i] == 'tenant' then
      return fields[i + 1] == tenant
    end
  end
  return false
end

while true do
  local want = page
  if budget > 0 then
    want = math.min(page, budget - read)
  end
  local entries = redis.call('XRANGE', stream, start, '+', 'COUNT', want)
  local ids = {}
  for _, entry in ipairs(entries) do
    if belongs(entry[2]) then
      ids[#ids + 1] = entry[1]
    end
  end
  if #ids > 0 then
    deleted = deleted + redis.call('XDEL', stream, unpack(ids))
  end
  read = read + #entries
  if #entries < want then
    return {deleted, ''}
  end
  local last = entries[#entries][1]
  if budget > 0 and read >= budget then
    return {deleted, last}
  end
  start = '(' .. last
end
