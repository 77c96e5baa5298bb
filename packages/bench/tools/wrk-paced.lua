-- wrk-post.lua with think time: every connection pauses between a response and its next request for a time drawn
-- from an exponential distribution (wrk's delay() hook), so arrivals are spread out rather than sent in bursts.
-- wrk's latency excludes the pause (it starts when the request is written).
--
--   wrk -t1 -c10 -d5s -s wrk-paced.lua URL -- BODY_FILE MEAN_THINK_MS SEED
--
-- wrk's timers count whole milliseconds, so each draw x is rounded at random to floor(x) + 1 with probability
-- frac(x) and to floor(x) otherwise: the expected pause stays x.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk-post.lua")

local meanThinkMs = 0
local initPost = init

function init(args)
  initPost(args)
  local mean, seed = tonumber(args[2]), tonumber(args[3])
  if not mean or mean <= 0 or mean > 10000 then
    fail("MEAN_THINK_MS: expected a number of ms in (0, 10000], got " .. tostring(args[2]))
  end
  if not seed or seed ~= math.floor(seed) then fail("SEED: expected an integer, got " .. tostring(args[3])) end
  meanThinkMs = mean
  math.randomseed(seed + 7919 * threadIndex)
end

-- Exponential by inversion (1 - u lies in (0, 1], so the log is finite), then the random rounding above.
function delay()
  local x = -meanThinkMs * math.log(1 - math.random())
  local whole = math.floor(x)
  if math.random() < x - whole then whole = whole + 1 end
  return whole
end
