-- Redis's clock in milliseconds; prepended to every script of state/redis.rs.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
