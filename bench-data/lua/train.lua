-- fast32 PGO training input for Lua (lua.s32x reads it on stdin).
-- A representative mix in the spirit of tests/corpus/lua-bench.stdin, but
-- not the same program: different functions, sizes and data, so a profile
-- trained here and measured there says how PGO does on unseen input.

-- table-heavy integer work: counting primes by trial division, bubble sort
local function primes(n)
  local ps, count = {}, 0
  for i = 2, n do
    local prime = true
    for k = 1, #ps do
      local p = ps[k]
      if p * p > i then break end
      if i % p == 0 then prime = false; break end
    end
    if prime then count = count + 1; ps[#ps + 1] = i end
  end
  return count
end

local function bubble(n)
  local a, seed = {}, 7
  for i = 1, n do seed = (seed * 1103515245 + 12345) % 2147483648; a[i] = seed % 1000 end
  for i = n, 2, -1 do
    for j = 1, i - 1 do
      if a[j] > a[j + 1] then a[j], a[j + 1] = a[j + 1], a[j] end
    end
  end
  return a[1], a[n]
end

-- float arithmetic with field access: a damped spring system
local function springs(steps)
  local ms = {}
  for i = 1, 6 do ms[i] = { p = i * 0.5, v = 0.0, k = 1.0 + i / 10 } end
  local dt = 0.005
  for _ = 1, steps do
    for i = 1, #ms do
      local m = ms[i]
      local f = -m.k * m.p - 0.1 * m.v
      m.v = m.v + f * dt
      m.p = m.p + m.v * dt
    end
  end
  local e = 0.0
  for i = 1, #ms do e = e + ms[i].p * ms[i].p + ms[i].v * ms[i].v end
  return e
end

-- strings: formatting, concatenation, gsub/find, string keys
local function words(n)
  local t = {}
  for i = 1, n do t[#t + 1] = string.format("w%d_%02x", i % 313, i % 251) end
  local s = table.concat(t, " ")
  local count = 0
  for w in s:gmatch("w(%d+)_") do count = count + #w end
  local r = s:gsub("_", "-", 100)
  local seen = {}
  for i = 1, n do local k = "n" .. (i % 499); seen[k] = (seen[k] or 0) + 1 end
  local distinct = 0
  for _ in pairs(seen) do distinct = distinct + 1 end
  return count, #r, distinct
end

-- calls and closures
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end

local function counter()
  local c = 0
  return function(d) c = c + d; return c end
end

local function closures(n)
  local inc, total = counter(), 0
  for i = 1, n do total = total + inc(i % 7) end
  return total
end

-- a small float loop with a conditional exit (escape-time iteration)
local function julia(size)
  local inside = 0
  for y = 0, size - 1 do
    for x = 0, size - 1 do
      local zr, zi, i = 3.0 * x / size - 1.5, 2.0 * y / size - 1.0, 0
      while i < 40 and zr * zr + zi * zi < 4.0 do
        zr, zi = zr * zr - zi * zi - 0.8, 2.0 * zr * zi + 0.156
        i = i + 1
      end
      if i == 40 then inside = inside + 1 end
    end
  end
  return inside
end

print("primes", primes(30000))
print("bubble", bubble(400))
print("springs", string.format("%.6f", springs(20000)))
print("words", words(4000))
print("fib", fib(22))
print("closures", closures(100000))
print("julia", julia(120))
