# An assertion trap inside a loop over register pairs that compiled code
# keeps as f64 values (see float64_resident.s), taken on the third
# iteration, with an FP result pending in a pair and a word of another
# pair just written as an integer.
# run: trap assertion_failed pc=0x00000058
# run: reg r10 0x00000000
# run: reg r11 0x40120000
# run: reg r14 0x00000000
# run: reg r15 0x40200000
# run: reg r17 0x00000003
    .text
    .global _start
_start:
    li r8, 0
    li r9, 0x3ff80000           # r8:r9 = 1.5
    li r10, 0
    li r11, 0                   # r10:r11 = acc = 0
    li r12, 0
    li r13, 0x40120000          # r12:r13 = 4.5
    li r14, 0
    li r15, 0x3ff00000          # r14:r15 = p = 1.0
    li r16, 0
    li r17, 0x40000000          # r16:r17 = 2.0
    li r6, 0
    li r7, 0                    # r6:r7 = 0.0
    li r20, 0
loop:
    addi r20, r20, 1
    fadd.d r10, r10, r8         # acc += 1.5
    fmul.d r14, r14, r16        # p *= 2
    feq.d r5, r10, r12
    add r17, r20, r0            # r17 = iteration, as an integer
    assert_eq r5, r0            # traps once acc = 4.5
    li r17, 0x40000000
    fadd.d r16, r16, r6         # 2.0 + 0.0
    jal r0, loop
