# calls: recursion and call/return-heavy code.
#
# Usage: calls ROUNDS (work is linear in ROUNDS). Prints
# "calls checksum 0x%08x". Equivalent C: calls.c.
#
# Each round: fib(18 + (i & 3)), ack(3, 4 + (i & 1)),
# tak(12 + (i & 3), 8, 4) and is_even(300 + (i & 255)) (mutually
# recursive with is_odd). Every call is a real call (no tail calls turned
# into jumps), with small stack frames, as a simple compiler emits them.

        .text
        .globl main
        .type main, @function
main:
        addi    sp, sp, -16
        stw     sp+0, lr
        stw     sp+4, s0
        stw     sp+8, s1
        stw     sp+12, s2
        li      s1, 1                   # rounds (default 1)
        li      t0, 2
        blt     a0, t0, 1f
        ldw     a0, a1+4
        call    atoi
        mv      s1, rv
1:      li      s0, 0                   # i
        li      s2, 0                   # sum
loop:
        bge     s0, s1, done
        andi    a0, s0, 3
        addi    a0, a0, 18
        call    fib
        slli    t0, s2, 5
        sub     s2, t0, s2              # sum * 31
        add     s2, s2, rv

        li      a0, 3
        andi    a1, s0, 1
        addi    a1, a1, 4
        call    ack
        slli    t0, s2, 5
        sub     s2, t0, s2
        add     s2, s2, rv

        andi    a0, s0, 3
        addi    a0, a0, 12
        li      a1, 8
        li      a2, 4
        call    tak
        slli    t0, s2, 5
        sub     s2, t0, s2
        add     s2, s2, rv

        andi    a0, s0, 255
        addi    a0, a0, 300
        call    is_even
        slli    t0, s2, 5
        sub     s2, t0, s2
        add     s2, s2, rv

        addi    s0, s0, 1
        j       loop
done:
        la      a0, calls_msg
        call    print_str
        mv      a0, s2
        call    print_hex
        li      a0, 10
        call    print_char
        li      rv, 0
        ldw     lr, sp+0
        ldw     s0, sp+4
        ldw     s1, sp+8
        ldw     s2, sp+12
        addi    sp, sp, 16
        ret
        .size main, . - main

# fib(a0 = n) -> rv: naive doubly recursive
        .type fib, @function
fib:
        sltiu   t0, a0, 2
        beqz    t0, 1f
        mv      rv, a0
        ret
1:      addi    sp, sp, -12
        stw     sp+0, lr
        stw     sp+4, s0
        stw     sp+8, s1
        mv      s0, a0
        addi    a0, a0, -1
        call    fib
        mv      s1, rv
        addi    a0, s0, -2
        call    fib
        add     rv, rv, s1
        ldw     lr, sp+0
        ldw     s0, sp+4
        ldw     s1, sp+8
        addi    sp, sp, 12
        ret
        .size fib, . - fib

# ack(a0 = m, a1 = n) -> rv: Ackermann's function
        .type ack, @function
ack:
        bnez    a0, 1f
        addi    rv, a1, 1
        ret
1:      addi    sp, sp, -8
        stw     sp+0, lr
        stw     sp+4, s0
        mv      s0, a0
        bnez    a1, 2f
        addi    a0, s0, -1              # ack(m - 1, 1)
        li      a1, 1
        call    ack
        j       3f
2:      addi    a1, a1, -1              # ack(m - 1, ack(m, n - 1))
        call    ack
        addi    a0, s0, -1
        mv      a1, rv
        call    ack
3:      ldw     lr, sp+0
        ldw     s0, sp+4
        addi    sp, sp, 8
        ret
        .size ack, . - ack

# tak(a0 = x, a1 = y, a2 = z) -> rv: Takeuchi's function (signed)
        .type tak, @function
tak:
        blt     a1, a0, 1f
        mv      rv, a2
        ret
1:      addi    sp, sp, -24
        stw     sp+0, lr
        stw     sp+4, s0
        stw     sp+8, s1
        stw     sp+12, s2
        stw     sp+16, s3
        stw     sp+20, s4
        mv      s0, a0
        mv      s1, a1
        mv      s2, a2
        addi    a0, s0, -1              # tak(x - 1, y, z)
        call    tak
        mv      s3, rv
        addi    a0, s1, -1              # tak(y - 1, z, x)
        mv      a1, s2
        mv      a2, s0
        call    tak
        mv      s4, rv
        addi    a0, s2, -1              # tak(z - 1, x, y)
        mv      a1, s0
        mv      a2, s1
        call    tak
        mv      a2, rv
        mv      a0, s3
        mv      a1, s4
        call    tak
        ldw     lr, sp+0
        ldw     s0, sp+4
        ldw     s1, sp+8
        ldw     s2, sp+12
        ldw     s3, sp+16
        ldw     s4, sp+20
        addi    sp, sp, 24
        ret
        .size tak, . - tak

# is_even(a0 = n) / is_odd(a0 = n): mutual recursion, one call per level
        .type is_even, @function
is_even:
        bnez    a0, 1f
        li      rv, 1
        ret
1:      addi    sp, sp, -4
        stw     sp+0, lr
        addi    a0, a0, -1
        call    is_odd
        ldw     lr, sp+0
        addi    sp, sp, 4
        ret
        .size is_even, . - is_even

        .type is_odd, @function
is_odd:
        bnez    a0, 1f
        li      rv, 0
        ret
1:      addi    sp, sp, -4
        stw     sp+0, lr
        addi    a0, a0, -1
        call    is_even
        ldw     lr, sp+0
        addi    sp, sp, 4
        ret
        .size is_odd, . - is_odd

        .rodata
calls_msg:
        .asciz  "calls checksum "
