/* strings: memcpy/strlen/strcmp/memset-heavy text processing.
 *
 * The C twin of strings.s (which has its own memcpy, strlen, strcmp and
 * memset; here they are the C library's). Usage: strings ROUNDS (work is
 * linear in ROUNDS). Prints "strings checksum 0x%08x".
 *
 * 1024 generated strings of 8..71 bytes share prefixes of up to 31 bytes
 * (so strcmp scans a while). Each round visits them in a round-dependent
 * order: strlen, memcpy into a line buffer, strcmp with the next string;
 * then strlen of the whole line (about 40 KB), a memcpy of it, a strcmp of
 * the two copies (differing near the end), a memset over half of the copy
 * and a strlen of the result. Only the sign of strcmp is used. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NSTR 1024u
#define MAXLEN 71u

static char pool[NSTR * (MAXLEN + 1)];
static char *strs[NSTR];
static char line[NSTR * (MAXLEN + 1) + 16];
static char copy[NSTR * (MAXLEN + 1) + 16];
static const char tmpl[] = "the quick brown fox jumps over the lazy dog";

static uint32_t sign(int c) {
    return c < 0 ? 1u : c > 0 ? 2u : 0u;
}

int main(int argc, char **argv) {
    int32_t rounds = argc > 1 ? atoi(argv[1]) : 1;
    uint32_t seed = 12345;
    char *p = pool;
    for (uint32_t i = 0; i < NSTR; i++) {
        seed = seed * 1664525u + 1013904223u;
        uint32_t len = 8 + ((seed >> 16) & 63);
        uint32_t pre = (seed >> 8) & 31;
        strs[i] = p;
        for (uint32_t k = 0; k < len; k++) {
            if (k < pre) {
                p[k] = tmpl[k];
            } else {
                seed = seed * 1664525u + 1013904223u;
                p[k] = (char)('a' + ((seed >> 24) & 7));
            }
        }
        p[len] = 0;
        p += len + 1;
    }

    uint32_t sum = 0;
    for (int32_t r = 0; r < rounds; r++) {
        uint32_t ur = (uint32_t)r;
        char *o = line;
        for (uint32_t i = 0; i < NSTR; i++) {
            uint32_t k = (i * 7 + ur) & (NSTR - 1);
            const char *s = strs[k];
            uint32_t n = (uint32_t)strlen(s);
            memcpy(o, s, n);
            o[n] = ',';
            o += n + 1;
            int c = strcmp(s, strs[(k + 1) & (NSTR - 1)]);
            sum = sum * 31 + n + sign(c);
        }
        *o = 0;
        uint32_t total = (uint32_t)strlen(line);
        memcpy(copy, line, total + 1);
        copy[total - 1 - ((ur * 13) & 1023)] ^= 1;
        int c = strcmp(line, copy);
        memset(copy, 'a' + (int)(ur & 15), total >> 1);
        sum = sum * 31 + total + sign(c);
        sum = sum * 31 + (uint32_t)(unsigned char)copy[(ur * 7) & 1023];
        sum = sum * 31 + (uint32_t)strlen(copy);
    }
    printf("strings checksum 0x%08x\n", sum);
    return 0;
}
