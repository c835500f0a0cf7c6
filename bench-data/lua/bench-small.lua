-- fast32 PGO training input: tests/corpus/lua-bench.stdin with every size
-- cut to about a fifth (the way each embedded benchmark trains on a
-- smaller input than it is measured on).
local N = 1

-- 1. sieve of Eratosthenes (table-heavy integer loop)
local function sieve(n)
  local comp, count = {}, 0
  for i = 1, n do comp[i] = false end
  for i = 2, n do
    if not comp[i] then
      count = count + 1
      for j = i * i, n, i do comp[j] = true end
    end
  end
  return count
end

-- 2. fannkuch-redux (array permutation)
local function fannkuch(n)
  local perm, perm1, count = {}, {}, {}
  local maxflips, checksum, permcount = 0, 0, 0
  for i = 0, n - 1 do perm1[i] = i end
  local r = n
  while true do
    while r ~= 1 do count[r - 1] = r; r = r - 1 end
    for i = 0, n - 1 do perm[i] = perm1[i] end
    local flips = 0
    local k = perm[0]
    while k ~= 0 do
      local i, j = 0, k
      while i < j do perm[i], perm[j] = perm[j], perm[i]; i = i + 1; j = j - 1 end
      flips = flips + 1
      k = perm[0]
    end
    if flips > maxflips then maxflips = flips end
    checksum = checksum + (permcount % 2 == 0 and flips or -flips)
    while true do
      if r == n then return checksum, maxflips end
      local p0 = perm1[0]
      for i = 0, r - 1 do perm1[i] = perm1[i + 1] end
      perm1[r] = p0
      count[r] = count[r] - 1
      if count[r] > 0 then break end
      r = r + 1
    end
    permcount = permcount + 1
  end
end

-- 3. n-body style float arithmetic
local function nbody(steps)
  local bodies = {
    { x = 0, y = 0, z = 0, vx = 0, vy = 0, vz = 0, m = 39.47 },
    { x = 4.84, y = -1.16, z = -0.10, vx = 0.60, vy = 2.81, vz = -0.02, m = 0.037 },
    { x = 8.34, y = 4.12, z = -0.40, vx = -1.01, vy = 1.82, vz = 0.008, m = 0.011 },
    { x = 12.89, y = -15.11, z = -0.22, vx = 1.08, vy = 0.86, vz = -0.01, m = 0.0017 },
    { x = 15.37, y = -25.91, z = 0.17, vx = 0.97, vy = 0.59, vz = -0.03, m = 0.002 },
  }
  local dt, nb = 0.01, #bodies
  for _ = 1, steps do
    for i = 1, nb do
      local bi = bodies[i]
      for j = i + 1, nb do
        local bj = bodies[j]
        local dx, dy, dz = bi.x - bj.x, bi.y - bj.y, bi.z - bj.z
        local d2 = dx * dx + dy * dy + dz * dz
        local mag = dt / (d2 * math.sqrt(d2))
        local bm, jm = bi.m * mag, bj.m * mag
        bi.vx, bi.vy, bi.vz = bi.vx - dx * jm, bi.vy - dy * jm, bi.vz - dz * jm
        bj.vx, bj.vy, bj.vz = bj.vx + dx * bm, bj.vy + dy * bm, bj.vz + dz * bm
      end
    end
    for i = 1, nb do
      local b = bodies[i]
      b.x, b.y, b.z = b.x + dt * b.vx, b.y + dt * b.vy, b.z + dt * b.vz
    end
  end
  local e = 0
  for i = 1, nb do
    local b = bodies[i]
    e = e + 0.5 * b.m * (b.vx * b.vx + b.vy * b.vy + b.vz * b.vz)
  end
  return e
end

-- 4. string building, hashing and pattern matching
local function strings(n)
  local parts = {}
  for i = 1, n do parts[#parts + 1] = string.format("k%05d=%x", i, i * 2654435761 % 65536) end
  local joined = table.concat(parts, ";")
  local h = 0
  for k, v in joined:gmatch("k(%d+)=(%x+)") do
    h = (h * 31 + tonumber(k) + tonumber(v, 16)) % 1000000007
  end
  local map = {}
  for i = 1, n do map["key" .. (i % 997)] = (map["key" .. (i % 997)] or 0) + i end
  local total = 0
  for _, v in pairs(map) do total = total + v end
  return #joined, h, total
end

-- 5. recursion and closures
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end

local function mandel(size)
  local count = 0
  for py = 0, size - 1 do
    local ci = 2.0 * py / size - 1.0
    for px = 0, size - 1 do
      local cr = 2.0 * px / size - 1.5
      local zr, zi, i = 0.0, 0.0, 0
      while i < 50 and zr * zr + zi * zi < 4.0 do
        zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
        i = i + 1
      end
      if i == 50 then count = count + 1 end
    end
  end
  return count
end

local function rep(k, f, ...)
  for _ = 2, k do f(...) end
  return f(...)
end

for round = 1, N do
  print("round", round)
  print("sieve", rep(16, sieve, 20000))
  print("fannkuch", fannkuch(7))
  print("nbody", string.format("%.9f", nbody(12000)))
  print("strings", rep(3, strings, 3000))
  print("ack", ack(2, 60), ack(3, 5))
  print("mandel", mandel(90))
end
