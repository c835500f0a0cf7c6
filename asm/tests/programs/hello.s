# Hello world through the DEBUG instruction (one byte per DEBUG).
# Expected: prints "Hello, SLOW-32!\n", exits with 0.

        .text
        .globl  _start
        .type   _start, @function
_start:
        la      r3, message         # r3 = pointer into the string
1:      ldbu    r4, r3+0            # next byte
        beqz    r4, 2f              # NUL ends the string
        debug   r4
        addi    r3, r3, 1
        j       1b
2:      li      r1, 0               # exit status
        halt
        .size   _start, . - _start

        .section .rodata.str1.1,"aMS",@progbits,1
message:
        .asciz  "Hello, SLOW-32!\n"
