# Chains of f64 instructions (compiled code reuses a result pair's f64
# value in the next instruction), with pairs partly overwritten in
# between, and a NaN carried through a chain.
# run: exit 0
    .text
    .global _start
_start:
    li r10, 0x00000000
    li r11, 0x3ff80000          # 1.5
    li r12, 0x00000000
    li r13, 0x40020000          # 2.25
    fadd.d r14, r10, r12        # 3.75
    fmul.d r16, r14, r14        # 14.0625
    li r8, 0x402c2000
    assert_eq r17, r8
    assert_eq r16, r0
    # the high word replaced: r14:r15 = 2.0
    li r15, 0x40000000
    fadd.d r18, r14, r10        # 3.5
    li r8, 0x400c0000
    assert_eq r19, r8
    assert_eq r18, r0
    # fneg.d on an odd pair writes r15 and r16: r16:r17 is no longer 14.0625
    fneg.d r15, r13             # r15 = 0x40020000, r16 = 0x80000000
    fadd.d r20, r16, r10        # 0x402c2000_80000000 + 1.5
    li r8, 0x80000000
    assert_eq r20, r8
    li r8, 0x402f2000
    assert_eq r21, r8
    fmul.d r22, r14, r14        # r14:r15 = 2.25 now: 5.0625
    assert_eq r22, r0
    li r8, 0x40144000
    assert_eq r23, r8
    # a signaling NaN through add, mul and sub: quieted once, then kept
    li r10, 0x00000001
    li r11, 0x7ff00000
    fadd.d r24, r10, r12
    fmul.d r26, r24, r12
    fsub.d r28, r26, r24
    li r8, 0x00000001
    assert_eq r24, r8
    assert_eq r26, r8
    assert_eq r28, r8
    li r8, 0x7ff80000
    assert_eq r25, r8
    assert_eq r27, r8
    assert_eq r29, r8
    feq.d r9, r28, r28
    assert_eq r9, r0
    # a loop: the pair written at the end of one iteration is read at the
    # start of the next (across blocks)
    li r10, 0x00000000
    li r11, 0x3ff00000          # 1.0
    li r14, 0x00000000
    li r15, 0x00000000          # 0.0
    li r9, 4
1:  fadd.d r14, r14, r10
    fadd.d r14, r14, r14
    addi r9, r9, -1
    bne r9, r0, 1b
    # ((((0+1)*2+1)*2+1)*2+1)*2 = 30
    assert_eq r14, r0
    li r8, 0x403e0000
    assert_eq r15, r8
    li r1, 0
    halt
