-- UPDATE of handoff/redis.rs, which documents its KEYS and ARGV.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
if status ~= 'open' then return 1 end
redis.call('RPUSH', KEYS[2], ARGV[1])
if tonumber(ARGV[2]) > tonumber(redis.call('HGET', KEYS[1], 'active_ms')) then
  redis.call('HSET', KEYS[1], 'active_ms', ARGV[2])
end
for _, name in ipairs({KEYS[1], KEYS[2], KEYS[3]}) do redis.call('PEXPIRE', name, ARGV[3]) end
return 2
