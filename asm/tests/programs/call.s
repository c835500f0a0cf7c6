# Recursive factorial with a stack frame per call, following the calling
# convention (argument in r3, result in r1, lr saved on the stack).
# Expected: exit status 120 (5!), r11 holds 3628800 (10!).

        .text
        .globl  _start
_start:
        li      r3, 5
        call    fact
        mv      r10, r1             # keep 5! for the exit status
        li      r3, 10
        call    fact
        mv      r11, r1
        mv      r1, r10
        halt

        .globl  fact
        .type   fact, @function
# fact(n) = n <= 1 ? 1 : n * fact(n - 1)
fact:
        addi    sp, sp, -8
        stw     sp+4, lr
        stw     r3, 0(sp)           # the other store syntax
        li      r1, 1
        ble     r3, r1, .Ldone      # n <= 1: return 1
        addi    r3, r3, -1
        call    fact
        ldw     r3, sp+0
        mul     r1, r1, r3
.Ldone:
        ldw     lr, sp, 4           # and the three-operand load form
        addi    sp, sp, 8
        ret
        .size   fact, . - fact
