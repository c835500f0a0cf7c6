# A replaced memcpy call in a function that never sets a0..a2 itself (its
# caller did): the native routine must read them all, a2 included, though
# nothing else in that function reads it. Registers set before the call and
# read after it (s2, written before, returned to the caller without a store
# in between; s3, set by the caller and only read afterwards) keep their
# values on the path where the native routine did the work.
# run: reg r20 0x000013f8
# run: reg r21 0x0d0c0b0a
# run: reg r22 0x00000000
# run: reg r23 0x00000007
# run: exit 0
        .text
        .global _start
_start:
        la      a0, buf
        la      a1, src
        li      a2, 13
        li      s3, 7
        call    wrapper
        mv      r20, s2             # 1000 + buf
        la      t0, buf
        ldw     r21, t0+9           # bytes 9..12: the last copied is 12
        ldw     r22, t0+13          # not copied: still zero
        mv      r23, s3
        li      a0, 0               # the scratch registers are dead after
        li      a1, 0               # the call (registers are live at HALT)
        li      a2, 0
        li      a3, 0
        li      a4, 0
        li      rv, 0
        halt

# Not inlined (more than 48 instructions): its own native function,
# entered with a0..a2 in CpuState.
        .globl wrapper
wrapper:
        addi    sp, sp, -4
        stw     sp+0, lr
        li      s2, 1000
        call    memcpy
        add     s2, s2, rv          # rv = the destination
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        addi    s3, s3, 0
        ldw     lr, sp+0
        addi    sp, sp, 4
        ret

        .include "include/mem_routines.inc"

        .data
src:    .byte 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
        .bss
        .align 4
buf:    .zero 32
