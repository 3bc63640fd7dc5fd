-- COMMIT of state/redis/scripts.rs, which documents its KEYS and ARGV.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[4]) > 0 then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
else
  redis.call('SET', KEYS[2], ARGV[2])
end
if ARGV[7] == '' then
  redis.call('DEL', KEYS[5])
else
  redis.call('SET', KEYS[5], ARGV[7], 'PX', ARGV[8])
end
if tonumber(ARGV[3]) > 0 then redis.call('LTRIM', KEYS[3], ARGV[3], -1) end
-- The worker that committed goes on with the remaining messages itself, so
-- the conversation stays hidden from other workers for one lease; if that
-- worker dies, it is handed out again then.
if redis.call('LLEN', KEYS[3]) > 0 then
  redis.call('ZADD', KEYS[4], now + tonumber(ARGV[6]), ARGV[5])
else
  redis.call('ZREM', KEYS[4], ARGV[5])
end
redis.call('DEL', KEYS[1])
return 1
