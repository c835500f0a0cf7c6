/* core: integer arithmetic, branches and memory traffic.
 *
 * The C twin of core.s: same algorithm, same 32-bit wrap-around
 * arithmetic, same output. Usage: core ROUNDS (work is linear in ROUNDS).
 * Each round: a mixing pass over a 4096-word LCG-filled array (multiply,
 * shifts, a data-dependent branch, scattered read-modify-write), 512
 * inserts into an open-addressing hash table with linear probing, and one
 * bubble pass (signed compares, swaps) over a 256-word window. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 4096u
#define HT 1024u

static uint32_t a[N];
static uint32_t hgen[HT], hkey[HT], hcnt[HT];

int main(int argc, char **argv) {
    int32_t rounds = argc > 1 ? atoi(argv[1]) : 1;
    uint32_t seed = 0x2545F491u;
    for (uint32_t i = 0; i < N; i++) {
        seed = seed * 1664525u + 1013904223u;
        a[i] = seed;
    }
    uint32_t sum = 0;
    for (int32_t r = 1; r <= rounds; r++) {
        uint32_t ur = (uint32_t)r;
        /* 1: mix */
        for (uint32_t i = 0; i < N; i++) {
            uint32_t x = a[i];
            uint32_t h = x * 0x9E3779B1u + i;
            h ^= h >> 15;
            uint32_t j = h & (N - 1);
            uint32_t v = a[j];
            if (x & 1)
                v += x ^ h;
            else
                v -= (x >> 3) | ur;
            a[j] = v;
            sum += v;
        }
        /* 2: hash table, a fresh generation per round */
        for (uint32_t k = 0; k < 512; k++) {
            uint32_t key = (a[(k * 8 + ur) & (N - 1)] >> 7) & 0x3FF;
            uint32_t slot = (key * 2654435761u) >> 22;
            for (;;) {
                if (hgen[slot] != ur) {
                    hgen[slot] = ur;
                    hkey[slot] = key;
                    hcnt[slot] = 1;
                    break;
                }
                if (hkey[slot] == key) {
                    uint32_t c = hcnt[slot] + 1;
                    hcnt[slot] = c;
                    sum += c * key;
                    break;
                }
                slot = (slot + 1) & (HT - 1);
            }
        }
        /* 3: one bubble pass over a window */
        uint32_t base = (ur * 256) & (N - 1);
        for (uint32_t i = base; i < base + 255; i++) {
            int32_t p = (int32_t)a[i], q = (int32_t)a[i + 1];
            if (p > q) {
                a[i] = (uint32_t)q;
                a[i + 1] = (uint32_t)p;
                sum += i;
            }
        }
    }
    for (uint32_t i = 0; i < N; i++)
        sum = (sum ^ a[i]) * 16777619u;
    printf("core checksum 0x%08x\n", sum);
    return 0;
}
