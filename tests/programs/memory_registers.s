# Registers a compiled function keeps in CpuState rather than in host
# registers (the least used ones; r21-r25 here, used only after a loop over
# twelve others): straight-line code stores only the last of several
# writes to one, reads back what it wrote without a load, and stores what
# an instruction lowered with branches of its own (FP conversion) or a
# later block will read.
# run: reg r21 0x00000010
# run: reg r22 0x0000000c
# run: reg r23 0x00000006
# run: reg r24 0x0000006c
# run: reg r25 0x41000000
# run: reg r5 0x00000756
# run: exit 0
    .text
    .global _start
_start:
    .include "include/busy_registers.inc"
    andi r5, r5, 0xfff
    la r18, buf
    addi r21, r0, 5            # overwritten below: never stored
    addi r21, r21, 1           # 6, read back without a load
    stw r18+0, r21             # a guest store between two reads
    add r22, r21, r21          # 12
    ldw r23, r18+0             # 6
    addi r21, r21, 10          # 16, the last write: stored
    addi r24, r0, 7
    addi r24, r24, 1           # 8, read from CpuState by the conversion
    fcvt.s.w r25, r24          # 8.0
    addi r24, r24, 100         # 108
    beq r0, r0, next           # the next block reads CpuState too
next:
    ldw r19, r18+0
    assert_eq r19, r23
    li r1, 0
    halt
    .data
    .p2align 2
buf:
    .word 0
