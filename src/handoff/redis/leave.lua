-- LEAVE of handoff/redis.rs, which documents its KEYS and ARGV.
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end
if redis.call('ZCARD', KEYS[2]) > 0 then return 1 end
local open_key = redis.call('HGET', KEYS[1], 'open_key')
if open_key and redis.call('GET', open_key) == ARGV[2] then redis.call('DEL', open_key) end
redis.call('ZREM', KEYS[4], ARGV[2])
redis.call('DEL', KEYS[1], KEYS[3])
return 2
