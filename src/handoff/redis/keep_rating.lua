-- KEEP_RATING of handoff/redis/privacy.rs, which documents its KEYS and ARGV.
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
-- Newest first: the oldest are at the tail.
while true do
  local oldest = redis.call('LINDEX', KEYS[1], -1)
  if not oldest then break end
  local ok, rating = pcall(cjson.decode, oldest)
  if not ok or type(rating.at_ms) ~= 'number' or rating.at_ms >= tonumber(ARGV[3]) then break end
  redis.call('RPOP', KEYS[1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
