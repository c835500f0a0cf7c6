# Guest addresses are register + offset mod 2^32. Compiled code adds the
# offset without wrapping (it folds into the host addressing mode), into a
# mirror of low memory above 4 GiB and an unmapped guard below address 0:
# loads of every size that wrap past 4 GiB read low memory, a double read
# as a register pair too, and all engines agree.
# run: reg r10 0x00000000
# run: reg r11 0x3ff00000
# run: exit 0
    .text
    .global _start
_start:
    li r5, 0xFFFFFFFC
    ldw r6, r5+4               # address 0: the first instruction
    ldw r7, r0+0
    assert_eq r6, r7
    ldw r6, r5+8               # address 4
    ldw r7, r0+4
    assert_eq r6, r7
    li r5, 0xFFFFF801
    ldbu r6, r5+2047           # address 0
    ldbu r7, r0+0
    assert_eq r6, r7
    li r5, 0xFFFFF803
    ldh r6, r5+2047            # address 2
    ldh r7, r0+2
    assert_eq r6, r7
    # a double from rodata through a base just below 4 GiB: the pair of
    # loads that compiled code fuses into one 8-byte access
    la r8, one
    li r9, 0xFFFFF900
    add r8, r8, r9             # one - 1792: wraps only with the offset
    li r12, 0
    li r13, 0
    ldw r10, r8+1792
    ldw r11, r8+1796
    fadd.d r10, r10, r12       # keeps r10:r11 a double
    li r1, 0
    halt
    .section .rodata
    .p2align 3
one:
    .word 0x00000000, 0x3ff00000
