-- RECORD_SENT of state/redis/scripts.rs, which documents its KEYS and ARGV.
-- Never lowered: a turn that lost its lease may record late.
local recorded = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > recorded then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1
