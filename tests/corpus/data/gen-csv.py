#!/usr/bin/env python3
"""Generate the small CSV inputs used by the csv-* corpus fixtures (deterministic).

Run from this directory: python3 gen-csv.py
"""

def lcg(seed):
    while True:
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        yield seed

WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
         "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"]

def field(r):
    kind = next(r) % 6
    w = WORDS[next(r) % len(WORDS)]
    if kind == 0:
        return str(next(r) % 100000)
    if kind == 1:
        return '"%s, %s"' % (w, WORDS[next(r) % len(WORDS)])   # quoted with comma
    if kind == 2:
        return '"say ""%s"""' % w                                # doubled quotes
    if kind == 3:
        return ""                                                # empty field
    if kind == 4:
        return "%d.%02d" % (next(r) % 1000, next(r) % 100)
    return w

def rows(seed, n, cols):
    r = lcg(seed)
    out = [",".join("col%d" % i for i in range(1, cols + 1))]
    for _ in range(n):
        out.append(",".join(field(r) for _ in range(cols)))
    return out

def write(name, lines, eol="\n", final_eol=True):
    data = eol.join(lines) + (eol if final_eol else "")
    with open(name, "wb") as f:
        f.write(data.encode("ascii"))

good = rows(1, 400, 5)
write("good.csv", good)
write("crlf.csv", rows(2, 150, 4), eol="\r\n")
write("noeol.csv", rows(3, 20, 3), final_eol=False)

ragged = rows(4, 30, 4)
ragged[7] += ",extra"
ragged[19] = ragged[19].rsplit(",", 1)[0]
write("ragged.csv", ragged)

loose = rows(5, 12, 3)
loose[5] = '"quoted"tail,plain,x"y'      # text after a closing quote: loose ok, strict error
write("loose.csv", loose)

badcr = rows(6, 10, 3)
badcr[4] = "a,b\rc,d"                    # a lone CR inside a record
write("badcr.csv", badcr)
