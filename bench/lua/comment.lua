-- POST comments to one essay as an anonymous reader; every text is unique (no duplicate
-- refusals); counts statuses. Anonymous posts carry no CSRF token: the site checks that the
-- browser says the form is its own (core/origin.py), so each request sends `Origin`.
-- Environment: COMMENT_PATH, ORIGIN (http://127.0.0.1:PORT, as the Host header says),
-- FORM_TOKEN (the signed comment-form token, issued more than 3 seconds before the run).
local path, origin, token = os.getenv("COMMENT_PATH"), os.getenv("ORIGIN"), os.getenv("FORM_TOKEN")
-- Globals on purpose: wrk reads per-thread counters with thread:get(), which sees globals only.
threads, counter, ok, other, id = {}, 0, 0, 0, 0
local next_id = 0
local run = tostring(os.time()) .. tostring(math.random(1000000))  -- unique per wrk run

setup = function(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  threads[#threads + 1] = thread
end

request = function()
  counter = counter + 1
  local body = "name=Bench+reader&email=bench" .. run .. id ..
    "%40example.org&website=&leave_blank=&parent=&token=" .. token ..
    "&text=A+benchmark+comment+" .. run .. "-" .. id .. "-" .. counter .. "+about+harbours."
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = origin,
  }, body)
end

response = function(status)
  if status == 302 then ok = ok + 1 else other = other + 1 end
end

done = function()
  local accepted, refused = 0, 0
  for _, thread in ipairs(threads) do
    accepted = accepted + thread:get("ok")
    refused = refused + thread:get("other")
  end
  io.write(string.format("COMMENTS accepted=%d other=%d\n", accepted, refused))
end
