-- fast32: a Lua workload whose mix the PGO training input (train.lua) does
-- not cover (metatables, closures, string.format, gmatch, table.sort): for
-- measuring what a profile of unrepresentative input costs (README, --cold).
local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({x = x, y = y}, Vec) end
function Vec.__add(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
function Vec:len2() return self.x * self.x + self.y * self.y end
local acc = Vec.new(0, 0)
for i = 1, 60000 do
  acc = acc + Vec.new(i % 7, i % 11)
  if acc:len2() > 1e9 then acc = Vec.new(0, 0) end
end
print(acc.x, acc.y)
local function counter()
  local n = 0
  return function(k) n = n + k; return n end
end
local c = counter()
local s = 0
for i = 1, 100000 do s = s + c(i % 3) end
print(s)
local parts = {}
for i = 1, 3000 do parts[#parts + 1] = string.format("%d:%s", i, string.rep("x", i % 5)) end
local joined = table.concat(parts, ",")
local cnt = 0
for w in string.gmatch(joined, "%d+:xx") do cnt = cnt + 1 end
print(#joined, cnt)
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(24))
local t = {}
for i = 1, 30000 do t[i] = (i * 7919) % 10007 end
table.sort(t)
print(t[1], t[#t])
