/* calls: recursion and call/return-heavy code.
 *
 * The C twin of calls.s. Usage: calls ROUNDS (work is linear in ROUNDS).
 * Each round calls a naive Fibonacci, Ackermann's function, Takeuchi's
 * function and a pair of mutually recursive functions, with arguments
 * that vary with the round so no call can be hoisted out of the loop.
 * (The guest makes every call a real call; gcc may turn tail calls into
 * jumps, which changes nothing in the output.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t fib(uint32_t n) {
    if (n < 2)
        return n;
    return fib(n - 1) + fib(n - 2);
}

static uint32_t ack(uint32_t m, uint32_t n) {
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static int32_t tak(int32_t x, int32_t y, int32_t z) {
    if (y < x)
        return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
    return z;
}

static uint32_t is_odd(uint32_t n);

static uint32_t is_even(uint32_t n) {
    if (n == 0)
        return 1;
    return is_odd(n - 1);
}

static uint32_t is_odd(uint32_t n) {
    if (n == 0)
        return 0;
    return is_even(n - 1);
}

int main(int argc, char **argv) {
    int32_t rounds = argc > 1 ? atoi(argv[1]) : 1;
    uint32_t sum = 0;
    for (int32_t i = 0; i < rounds; i++) {
        uint32_t u = (uint32_t)i;
        sum = sum * 31 + fib(18 + (u & 3));
        sum = sum * 31 + ack(3, 4 + (u & 1));
        sum = sum * 31 + (uint32_t)tak(12 + (int32_t)(u & 3), 8, 4);
        sum = sum * 31 + is_even(300 + (u & 255));
    }
    printf("calls checksum 0x%08x\n", sum);
    return 0;
}
