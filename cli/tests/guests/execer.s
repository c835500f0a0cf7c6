# execer.s: runs argv[1] (a .s32x) through the EXEC service with argv[2..]
# as its arguments and the parent's stdio, and exits with the child's
# status (or 200 + errno when EXEC fails). Used to check that a child
# cannot get more than its parent through its command line.
#
# One leading '+' is removed from every argument before it is passed on,
# so a test can hand the child a path that the parent's own command line
# does not name (`fast32 run` grants the parent the paths its arguments
# name).
#
# Appended to the benchmark runtime (bench-data/programs/rt.s).

        .equ OP_EXEC, 0x10
        .equ EXEC_INHERIT_STDIO, -1

        .text
        .globl main
main:
        addi    sp, sp, -4
        stw     sp+0, lr
        la      a4, __mmio_base + RT_DATA
        mv      a5, a4                  # write pointer
        li      a6, 1                   # i
1:      bge     a6, a0, 4f
        slli    a7, a6, 2
        add     a7, a7, a1
        ldw     a7, a7+0                # argv[i]
        ldbu    a3, a7+0
        li      a2, '+'
        bne     a3, a2, 2f
        addi    a7, a7, 1               # drop one leading '+'
2:      ldbu    a3, a7+0                # copy with its NUL
        stb     a5+0, a3
        addi    a5, a5, 1
        addi    a7, a7, 1
        bnez    a3, 2b
        addi    a6, a6, 1
        j       1b
4:      stb     a5+0, zero              # empty string ends the list
        addi    a5, a5, 1
        sub     a1, a5, a4              # length
        li      a0, OP_EXEC
        li      a2, 0
        li      a3, EXEC_INHERIT_STDIO
        call    __rt_request
        li      a5, -1
        bne     rv, a5, 9f
        addi    rv, t0, 200
9:      ldw     lr, sp+0
        addi    sp, sp, 4
        ret
