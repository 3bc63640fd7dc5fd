-- ABANDON of state/redis/lease.rs, which documents its KEYS and ARGV.
redis.call('LREM', KEYS[2], 0, ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if redis.call('LLEN', KEYS[4]) > 0 then redis.call('ZADD', KEYS[5], now, ARGV[2]) end
return 1
