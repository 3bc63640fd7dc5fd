-- RESOLVE of handoff/redis.rs, which documents its KEYS and ARGV.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
if status ~= 'open' then return 1 end
redis.call('HSET', KEYS[1], 'status', 'resolved', 'resolved_ms', ARGV[2], 'resolved_by', ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[3])
local open_key = redis.call('HGET', KEYS[1], 'open_key')
if open_key and redis.call('GET', open_key) == ARGV[3] then redis.call('DEL', open_key) end
return 2
