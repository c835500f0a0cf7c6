# Two NaN operands: FADD and FMUL give rs2's NaN, FSUB and FDIV rs1's. The
# AOT compiler emits these without a NaN test when Cranelift keeps the
# operand order (operands computed by other instructions), and keeps the
# test where it may not (an operand straight from memory, or both
# negated): both ways, in a loop (f64-resident pairs) and at its end.
# An operand from memory that is the second one of x86's instruction
# (rs1 of FADD and FMUL) stays in place: no test there.
# run: reg r4 0x0000000b
# run: reg r5 0xfff80000
# run: reg r2 0x0000000b
# run: reg r3 0xfff80000
# run: reg r24 0x0000000b
# run: reg r25 0xfff80000
# run: reg r26 0x0000000a
# run: reg r27 0x7ff80000
# run: reg r6 0x0000000b
# run: reg r7 0xfff80000
# run: reg r8 0x0000000b
# run: reg r9 0xfff80000
# run: reg r16 0x0000000b
# run: reg r17 0x7ff80000
# run: exit 0
    .text
    .global _start
_start:
    la r21, vals
    li r22, 3
loop:
    ldw r10, r21+0
    ldw r11, r21+4              # A = 7ff80000:0000000a
    ldw r12, r21+8
    ldw r13, r21+12             # B = fff80000:0000000b
    ldw r14, r21+16
    ldw r15, r21+20             # 0.0
    fadd.d r6, r10, r12         # from memory: B
    fdiv.d r8, r12, r10         # B
    fsub.d r16, r10, r14        # C = A, computed
    fsub.d r18, r12, r14        # D = B, computed
    fadd.d r4, r10, r18         # rs2's: B (rs1 from memory, no test)
    fmul.d r2, r10, r18         # rs2's: B (likewise)
    fadd.d r24, r16, r18        # rs2's: B
    fmul.d r26, r18, r16        # rs2's: A
    fneg.d r16, r10             # -A = fff80000:0000000a
    fneg.d r18, r12             # -B = 7ff80000:0000000b
    fmul.d r16, r16, r18        # rs2's: -B
    addi r22, r22, -1
    bne r22, r0, loop
    li r1, 0
    halt

    .data
    .align 3
vals:
    .word 0x0000000a, 0x7ff80000
    .word 0x0000000b, 0xfff80000
    .word 0, 0
