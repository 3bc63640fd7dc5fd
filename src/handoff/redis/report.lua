-- REPORT of handoff/redis.rs, which documents its KEYS and ARGV.
local now = tonumber(ARGV[6])
local id = redis.call('GET', KEYS[1])
if id then
  local key = ARGV[1] .. id
  local status = redis.call('HGET', key, 'status')
  local active = tonumber(redis.call('HGET', key, 'active_ms') or '0')
  if status ~= 'open' or now - active > tonumber(ARGV[7]) then id = false end
end
local opened = 0
if not id then
  id = 'inc-' .. redis.call('INCR', KEYS[2])
  redis.call('HSET', ARGV[1] .. id, 'team', ARGV[2], 'entry_id', ARGV[3], 'area', ARGV[4],
    'status', 'open', 'opened_ms', ARGV[6], 'last_report_ms', ARGV[6], 'active_ms', ARGV[6],
    'open_key', KEYS[1])
  redis.call('SET', KEYS[1], id)
  redis.call('ZADD', KEYS[3], now, id)
  opened = 1
else
  local key = ARGV[1] .. id
  if now > tonumber(redis.call('HGET', key, 'last_report_ms')) then
    redis.call('HSET', key, 'last_report_ms', ARGV[6])
  end
  if now > tonumber(redis.call('HGET', key, 'active_ms')) then
    redis.call('HSET', key, 'active_ms', ARGV[6])
  end
end
local key = ARGV[1] .. id
redis.call('ZADD', key .. ':members', 'NX', now, ARGV[5])
for _, name in ipairs({key, key .. ':members', key .. ':updates', KEYS[1], KEYS[3]}) do
  redis.call('PEXPIRE', name, ARGV[8])
end
return {id, opened}
