# Sum 1..100 in a counted loop; the result is the exit status (5050 & 0xFF
# = 186) and is also checked with ASSERT_EQ.

        .equ    N, 100

        .text
        .globl  _start
_start:
        li      r1, 0               # sum
        li      r2, 1               # i
        li      r5, N
.Lloop:
        add     r1, r1, r2
        addi    r2, r2, 1
        ble     r2, r5, .Lloop      # pseudo: bge r5, r2
        li      r6, N * (N + 1) / 2
        assert_eq r1, r6
        halt
