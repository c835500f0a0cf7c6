# Register pairs used mostly by FP-double instructions, which compiled
# code keeps in one f64 variable each: their values across blocks, a
# loop, calls and DEBUG exits (which sync them with CpuState), integer
# reads and writes of their halves (stw/ldw, moves, xor of the sign word,
# and a callee that flips a sign word as an integer), fneg.d from a pair
# into an odd pair straddling two others, fabs.d from an odd pair, and a
# NaN through the slow path inside the loop.
# run: exit 0
# run: stdout "\x80\x80\x20\x80\xe0"
# run: reg r10 0x00000000
# run: reg r11 0x401e0000
# run: reg r16 0xc0000000
# run: reg r17 0xc01e0000
# run: reg r18 0x00000000
# run: reg r19 0x40120000
# run: reg r24 0x402e0000
# run: reg r25 0x00000000
# run: reg r26 0x00000000
# run: reg r27 0x40756000
    .text
    .global _start
_start:
    li r6, 0
    li r7, 0x3ff00000           # r6:r7 = 1.0
    li r8, 0
    li r9, 0x3ff80000           # r8:r9 = 1.5
    li r10, 0
    li r11, 0                   # r10:r11 = acc = 0
    li r12, 0
    li r13, 0x40000000          # r12:r13 = 2.0
    li r18, 0
    li r19, 0                   # r18:r19 = s1 = 0
    li r26, 0
    li r27, 0                   # r26:r27 = s2 = 0
    li r20, 5
    la r21, buf
    li r22, 0x80000000
loop:
    fadd.d r10, r10, r8         # acc += 1.5
    fmul.d r14, r10, r12        # t = 2 * acc
    fmul.d r14, r14, r6
    fdiv.d r14, r14, r6         # t * 1 / 1
    stw r21+0, r14              # t word by word through memory
    stw r21+4, r15
    ldw r16, r21+0
    ldw r17, r21+4              # r16:r17 = t
    fsub.d r16, r16, r10        # t - acc = acc
    fmul.d r16, r16, r6
    fdiv.d r16, r16, r6         # acc * 1 / 1
    xor r17, r17, r22           # -acc, by its sign word
    fadd.d r18, r18, r16        # s1 -= acc
    add r24, r14, r0
    add r25, r15, r0            # r24:r25 = t, by moves
    fneg.d r15, r12             # r15 = 0, r16 = 0xc0000000
    fadd.d r26, r26, r24        # s2 += t
    fabs.d r24, r25             # r24 = t's high word, r25 = |s2's low word|
    srli r23, r17, 12
    debug r23                   # a byte of -acc's high word
    # inf - inf (the default NaN), then NaN + 1.5 keeps it
    li r14, 0
    li r15, 0x7ff00000
    fsub.d r14, r14, r14
    fadd.d r14, r14, r8
    li r5, 0xfff80000
    assert_eq r15, r5
    assert_eq r14, r0
    jal r31, scale
    addi r20, r20, -1
    bne r20, r0, loop
    # acc = 7.5 reached through every iteration
    li r5, 0x401e0000
    assert_eq r11, r5
    assert_eq r10, r0
    li r1, 0
    halt

# s2 *= 2; s1 = -s1 (its sign word flipped as an integer).
scale:
    fadd.d r26, r26, r26
    xor r19, r19, r22
    jalr r0, r31, 0

    .data
buf:
    .word 0, 0
