# Unsigned division routines, which compilers call for every unsigned `/`
# and `%` (SLOW-32 divides only signed), are replaced by a host division
# inline. The checksum takes the quotients and remainders of edge pairs
# (zero divisors, 0x80000000, all ones) and of pseudo-random ones, and
# scratch registers the routines leave: __udivsi3 leaves the remainder in
# a2, zero in a0 and a3 and the dividend's low bit in t0, which this
# caller reads after the call, so the inline division must set them as
# the routine does. __umodsi3 leaves 32 in a2 and t0, which no inline
# value reproduces: its calls where a2 is read afterwards stay guest
# calls, the one in the random loop is replaced. In the last loop the
# a3 that __udivsi3 leaves is half of an f64 pair (a3:a4) of the caller.
# run: exit 0x93f656b7
        .text
        .global _start
_start:
        li      s0, 0x1234              # checksum
        la      s1, pairs
        la      s2, pairs_end
1:      ldw     a0, s1+0
        ldw     a1, s1+4
        call    __udivsi3
        jal     fold
        ldw     a0, s1+0
        ldw     a1, s1+4
        call    __umodsi3
        jal     fold
        addi    s1, s1, 8
        bne     s1, s2, 1b

        li      a0, 12345               # a divisor the caller sets to the
        li      a1, 0                   # constant 0: compiled code knows
        call    __udivsi3               # the zero-divisor case statically
        jal     fold
        li      a0, 12345
        li      a1, 7                   # and a constant nonzero divisor
        call    __udivsi3
        jal     fold

        li      s1, 300                 # pseudo-random pairs
        li      s2, 0x2545F491          # LCG state
        li      s3, 1664525
2:      mul     s2, s2, s3
        addi    s2, s2, 1013
        mv      a0, s2
        mul     s2, s2, s3
        addi    s2, s2, 1013
        srli    t0, s2, 27              # divisor: 0 to 31 bits wide
        srl     a1, s2, t0
        mv      s4, a1
        call    __udivsi3
        jal     fold
        mv      a0, s2
        mv      a1, s4
        call    __umodsi3
        li      a2, 0                   # (so this call may be replaced)
        slli    t0, s0, 5
        sub     s0, t0, s0
        add     s0, s0, rv
        addi    s1, s1, -1
        bnez    s1, 2b

        li      s1, 40                  # a3:a4 as an f64 pair: the zero
3:      fcvt.d.w a3, s1                 # __udivsi3 leaves in a3 is half
        fadd.d  a3, a3, a3              # of it
        mv      a0, s1
        li      a1, 3
        call    __udivsi3
        add     s0, s0, rv
        fadd.d  a3, a3, a3
        add     s0, s0, a3
        xor     s0, s0, a4
        addi    s1, s1, -1
        bnez    s1, 3b

        li      a0, 1000                # the a2 __umodsi3 leaves, read
        li      a1, 7
        call    __umodsi3
        add     s0, s0, a2
        add     s0, s0, rv
        mv      rv, s0
        .include "include/halt_clean.inc"

# s0 = s0 * 31 + rv, then the registers __udivsi3 leaves: a0, a2, a3, t0.
fold:
        slli    a4, s0, 5
        sub     s0, a4, s0
        add     s0, s0, rv
        xor     s0, s0, a2
        slli    a4, a0, 3
        add     s0, s0, a4
        add     s0, s0, a3
        slli    a4, t0, 7
        add     s0, s0, a4
        jalr    r0, lr, 0

# __udivsi3(a0 = n, a1 = d) -> rv = n / d, all ones for d = 0. One
# quotient bit a step, high bit first: a2 holds the partial remainder,
# a3 counts the steps down, t0 carries n's top bit over.
        .globl __udivsi3
__udivsi3:
        li      rv, -1
        beqz    a1, 3f
        li      rv, 0
        li      a2, 0
        li      a3, 32
1:      srli    t0, a0, 31
        slli    a2, a2, 1
        or      a2, a2, t0
        slli    a0, a0, 1
        slli    rv, rv, 1
        bltu    a2, a1, 2f
        sub     a2, a2, a1
        ori     rv, rv, 1
2:      addi    a3, a3, -1
        bnez    a3, 1b
3:      ret

# __umodsi3(a0 = n, a1 = d) -> rv = n % d, n for d = 0. Counts its steps
# up in a2 (to 32) and tests the count into t0.
        .globl __umodsi3
__umodsi3:
        mv      rv, a0
        beqz    a1, 3f
        li      rv, 0
        li      a2, 0
1:      srli    t0, a0, 31
        slli    rv, rv, 1
        or      rv, rv, t0
        slli    a0, a0, 1
        bltu    rv, a1, 2f
        sub     rv, rv, a1
2:      addi    a2, a2, 1
        andi    t0, a2, 32
        beqz    t0, 1b
3:      ret

        .data
        .align 4
pairs:  .word 0, 0
        .word 7, 0
        .word 0xffffffff, 0
        .word 0, 7
        .word 100, 7
        .word 0xffffffff, 1
        .word 0xffffffff, 0xffffffff
        .word 0xfffffffe, 0xffffffff
        .word 0xffffffff, 0x80000000
        .word 0x80000000, 0x80000001
        .word 0x7fffffff, 0x80000000
        .word 0x80000000, 3
        .word 0xdeadbeef, 0x10000
        .word 0x12345678, 0x1234
        .word 1, 2
pairs_end:
