-- ERASE of state/redis/privacy.rs, which documents its KEYS and ARGV.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('ZREM', KEYS[7], ARGV[2])
for i = 1, #KEYS do
  if i ~= 7 then redis.call('DEL', KEYS[i]) end
end
return 1
