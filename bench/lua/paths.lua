-- GET a random line of the file named by the PATHS environment variable (one path per line).
-- A path that appears more often is asked for more often: bench/prepare.py's zipf.txt holds
-- the i-th essay ∝ 1/i times.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
-- Each wrk thread has its own Lua state; seed each differently (a new table's address), so the
-- threads do not ask for the same sequence of pages.
math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
