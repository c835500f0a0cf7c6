# float: an f64 n-body simulation (the classic five-body solar system).
#
# Usage: float STEPS (work is linear in STEPS). Prints
# "float energy 0x%016x checksum 0x%08x". Equivalent C: float.c (compile
# with -O2 -ffp-contract=off: the same operations, in the same order, each
# rounded, so the bits agree).
#
# f64 values live in register pairs (rN = low word, rN+1 = high word, N
# even): fadd.d, fsub.d, fmul.d, fdiv.d, fsqrt.d, fneg.d, fcvt.d.w and
# fcvt.w.d. The hot loop (advance) uses all thirteen pairs r2..r27; the
# integer registers left are r1, r28, r30 and r31 (all saved by main).
#
# A body is 7 doubles (56 bytes): x y z vx vy vz mass.

        .equ BODY, 56
        .equ NBODIES, 5

        .text
        .globl main
        .type main, @function
main:
        addi    sp, sp, -88
        stw     sp+0, lr
        stw     sp+4, s0
        stw     sp+8, s1
        stw     sp+12, s2
        stw     sp+16, s3
        stw     sp+20, s4
        stw     sp+24, s5
        stw     sp+28, s6
        stw     sp+32, s7
        stw     sp+36, s8
        stw     sp+40, s9
        stw     sp+44, s10
        stw     sp+48, s11
        stw     sp+52, s12
        stw     sp+56, s13
        stw     sp+60, s14
        stw     sp+64, s15
        stw     sp+68, s16
        stw     sp+72, s17
        stw     sp+76, fp
        li      t0, 1                   # steps (default 1), kept at sp+80
        stw     sp+80, t0
        li      t0, 2
        blt     a0, t0, 1f
        ldw     a0, a1+4
        call    atoi
        stw     sp+80, rv
1:
        # constants from integers: dt = 1.0 / 100.0, half = 1.0 / 2.0
        li      r4, 1
        fcvt.d.w r6, r4                 # one
        li      r4, 100
        fcvt.d.w r8, r4
        fdiv.d  r8, r6, r8
        la      r31, nb_dt              # r31 = &dt, for the whole run
        stw     r31+0, r8
        stw     r31+4, r9
        li      r4, 2
        fcvt.d.w r8, r4
        fdiv.d  r8, r6, r8
        stw     r31+8, r8               # nb_half
        stw     r31+12, r9

        la      r28, nb_bodies
        li      r1, NBODIES * BODY
        add     r1, r1, r28             # r1 = end of the bodies

        # offset momentum: p = sum(v * mass); sun.v = -p / sun.mass
        li      r10, 0
        li      r11, 0
        li      r12, 0
        li      r13, 0
        li      r14, 0
        li      r15, 0
2:      ldw     r16, r28+48
        ldw     r17, r28+52             # mass
        ldw     r18, r28+24
        ldw     r19, r28+28
        fmul.d  r18, r18, r16
        fadd.d  r10, r10, r18           # px += vx * mass
        ldw     r18, r28+32
        ldw     r19, r28+36
        fmul.d  r18, r18, r16
        fadd.d  r12, r12, r18
        ldw     r18, r28+40
        ldw     r19, r28+44
        fmul.d  r18, r18, r16
        fadd.d  r14, r14, r18
        addi    r28, r28, BODY
        bne     r28, r1, 2b
        la      r28, nb_bodies
        ldw     r16, r28+48
        ldw     r17, r28+52             # solar mass
        fneg.d  r10, r10
        fdiv.d  r10, r10, r16
        stw     r28+24, r10
        stw     r28+28, r11
        fneg.d  r12, r12
        fdiv.d  r12, r12, r16
        stw     r28+32, r12
        stw     r28+36, r13
        fneg.d  r14, r14
        fdiv.d  r14, r14, r16
        stw     r28+40, r14
        stw     r28+44, r15

# ---- the simulation ----
step_loop:
        ldw     r2, sp+80
        blez    r2, steps_done
        addi    r2, r2, -1
        stw     sp+80, r2
        la      r28, nb_bodies          # r28 = body i
i_loop:
        ldw     r4, r28+0
        ldw     r5, r28+4               # xi
        ldw     r6, r28+8
        ldw     r7, r28+12              # yi
        ldw     r8, r28+16
        ldw     r9, r28+20              # zi
        ldw     r10, r28+24
        ldw     r11, r28+28             # vxi
        ldw     r12, r28+32
        ldw     r13, r28+36             # vyi
        ldw     r14, r28+40
        ldw     r15, r28+44             # vzi
        ldw     r16, r28+48
        ldw     r17, r28+52             # mass i
        addi    r30, r28, BODY          # r30 = body j
j_loop:
        ldw     r24, r30+0
        ldw     r25, r30+4
        fsub.d  r18, r4, r24            # dx
        ldw     r24, r30+8
        ldw     r25, r30+12
        fsub.d  r20, r6, r24            # dy
        ldw     r24, r30+16
        ldw     r25, r30+20
        fsub.d  r22, r8, r24            # dz
        fmul.d  r24, r18, r18
        fmul.d  r26, r20, r20
        fadd.d  r24, r24, r26
        fmul.d  r26, r22, r22
        fadd.d  r24, r24, r26           # d2 = dx*dx + dy*dy + dz*dz
        fsqrt.d r26, r24
        fmul.d  r26, r24, r26           # d2 * sqrt(d2)
        ldw     r2, r31+0
        ldw     r3, r31+4               # dt
        fdiv.d  r24, r2, r26            # mag
        ldw     r26, r30+48
        ldw     r27, r30+52
        fmul.d  r26, r26, r24           # mj = mass j * mag
        fmul.d  r24, r16, r24           # mi = mass i * mag
        fmul.d  r2, r18, r26
        fsub.d  r10, r10, r2            # vxi -= dx * mj
        fmul.d  r2, r20, r26
        fsub.d  r12, r12, r2            # vyi -= dy * mj
        fmul.d  r2, r22, r26
        fsub.d  r14, r14, r2            # vzi -= dz * mj
        fmul.d  r2, r18, r24
        ldw     r18, r30+24
        ldw     r19, r30+28
        fadd.d  r18, r18, r2            # vxj += dx * mi
        stw     r30+24, r18
        stw     r30+28, r19
        fmul.d  r2, r20, r24
        ldw     r20, r30+32
        ldw     r21, r30+36
        fadd.d  r20, r20, r2            # vyj += dy * mi
        stw     r30+32, r20
        stw     r30+36, r21
        fmul.d  r2, r22, r24
        ldw     r22, r30+40
        ldw     r23, r30+44
        fadd.d  r22, r22, r2            # vzj += dz * mi
        stw     r30+40, r22
        stw     r30+44, r23
        addi    r30, r30, BODY
        bne     r30, r1, j_loop
        stw     r28+24, r10
        stw     r28+28, r11
        stw     r28+32, r12
        stw     r28+36, r13
        stw     r28+40, r14
        stw     r28+44, r15
        addi    r28, r28, BODY
        addi    r2, r28, BODY
        bne     r2, r1, i_loop          # i < NBODIES - 1

        # positions: x += dt * vx
        ldw     r2, r31+0
        ldw     r3, r31+4
        la      r28, nb_bodies
3:      ldw     r4, r28+24
        ldw     r5, r28+28
        fmul.d  r4, r2, r4
        ldw     r6, r28+0
        ldw     r7, r28+4
        fadd.d  r6, r6, r4
        stw     r28+0, r6
        stw     r28+4, r7
        ldw     r4, r28+32
        ldw     r5, r28+36
        fmul.d  r4, r2, r4
        ldw     r6, r28+8
        ldw     r7, r28+12
        fadd.d  r6, r6, r4
        stw     r28+8, r6
        stw     r28+12, r7
        ldw     r4, r28+40
        ldw     r5, r28+44
        fmul.d  r4, r2, r4
        ldw     r6, r28+16
        ldw     r7, r28+20
        fadd.d  r6, r6, r4
        stw     r28+16, r6
        stw     r28+20, r7
        addi    r28, r28, BODY
        bne     r28, r1, 3b
        j       step_loop

# ---- energy: sum of 0.5 m v^2, minus m_i m_j / distance per pair ----
steps_done:
        li      r4, 0
        li      r5, 0                   # e
        ldw     r6, r31+8
        ldw     r7, r31+12              # half
        la      r28, nb_bodies
e_i:
        ldw     r8, r28+48
        ldw     r9, r28+52              # mass i
        fmul.d  r10, r6, r8             # half * mass
        ldw     r12, r28+24
        ldw     r13, r28+28
        fmul.d  r12, r12, r12
        ldw     r14, r28+32
        ldw     r15, r28+36
        fmul.d  r14, r14, r14
        fadd.d  r12, r12, r14
        ldw     r14, r28+40
        ldw     r15, r28+44
        fmul.d  r14, r14, r14
        fadd.d  r12, r12, r14           # vx*vx + vy*vy + vz*vz
        fmul.d  r10, r10, r12
        fadd.d  r4, r4, r10
        addi    r30, r28, BODY
e_j:
        beq     r30, r1, 4f
        ldw     r12, r28+0
        ldw     r13, r28+4
        ldw     r14, r30+0
        ldw     r15, r30+4
        fsub.d  r16, r12, r14           # dx
        ldw     r12, r28+8
        ldw     r13, r28+12
        ldw     r14, r30+8
        ldw     r15, r30+12
        fsub.d  r18, r12, r14           # dy
        ldw     r12, r28+16
        ldw     r13, r28+20
        ldw     r14, r30+16
        ldw     r15, r30+20
        fsub.d  r20, r12, r14           # dz
        fmul.d  r16, r16, r16
        fmul.d  r18, r18, r18
        fadd.d  r16, r16, r18
        fmul.d  r20, r20, r20
        fadd.d  r16, r16, r20
        fsqrt.d r16, r16                # distance
        ldw     r12, r30+48
        ldw     r13, r30+52
        fmul.d  r12, r8, r12            # mass i * mass j
        fdiv.d  r12, r12, r16
        fsub.d  r4, r4, r12
        addi    r30, r30, BODY
        j       e_j
4:      addi    r28, r28, BODY
        bne     r28, r1, e_i

        # checksum: FNV-style over every word of the state, then
        # + (int32) (e * 1e9)
        li      r2, 0
        li      r3, 16777619
        la      r28, nb_bodies
5:      ldw     r8, r28+0
        xor     r2, r2, r8
        mul     r2, r2, r3
        addi    r28, r28, 4
        bne     r28, r1, 5b
        li      r8, 1000000000
        fcvt.d.w r10, r8
        fmul.d  r10, r4, r10
        fcvt.w.d r8, r10
        add     r2, r2, r8

        mv      s0, r5                  # e, high word
        mv      s1, r4                  # e, low word
        mv      s2, r2                  # checksum
        la      a0, float_msg1
        call    print_str
        mv      a0, s0
        call    print_hex
        mv      a0, s1
        call    print_hex_digits
        la      a0, float_msg2
        call    print_str
        mv      a0, s2
        call    print_hex
        li      a0, 10
        call    print_char

        li      rv, 0
        ldw     lr, sp+0
        ldw     s0, sp+4
        ldw     s1, sp+8
        ldw     s2, sp+12
        ldw     s3, sp+16
        ldw     s4, sp+20
        ldw     s5, sp+24
        ldw     s6, sp+28
        ldw     s7, sp+32
        ldw     s8, sp+36
        ldw     s9, sp+40
        ldw     s10, sp+44
        ldw     s11, sp+48
        ldw     s12, sp+52
        ldw     s13, sp+56
        ldw     s14, sp+60
        ldw     s15, sp+64
        ldw     s16, sp+68
        ldw     s17, sp+72
        ldw     fp, sp+76
        addi    sp, sp, 88
        ret
        .size main, . - main

        .rodata
float_msg1:     .asciz "float energy "
float_msg2:     .asciz " checksum "

        .data
        .align  3
nb_dt:          .word 0, 0              # dt, made at startup
nb_half:        .word 0, 0              # 0.5, likewise
# The initial state as bit patterns (low word, high word): positions in
# AU, velocities in AU/year (the classic values times 365.24), masses
# times 4 pi^2. float.c has the same bits as 64-bit constants.
nb_bodies:
        # sun
        .word   0x00000000, 0x00000000      # 0.0
        .word   0x00000000, 0x00000000      # 0.0
        .word   0x00000000, 0x00000000      # 0.0
        .word   0x00000000, 0x00000000      # 0.0
        .word   0x00000000, 0x00000000      # 0.0
        .word   0x00000000, 0x00000000      # 0.0
        .word   0xc9be45de, 0x4043bd3c      # 39.47841760435743
        # jupiter
        .word   0x343cd92c, 0x40135da0      # 4.841431442464721
        .word   0xc01fdb7c, 0xbff290ab      # -1.1603200440274284
        .word   0x6c25ebf0, 0xbfba86f9      # -0.10362204447112311
        .word   0x9b93ccbc, 0x3fe36706      # 0.606326392995832
        .word   0xf57d949b, 0x40067ef2      # 2.81198684491626
        .word   0x9a5a0715, 0xbf99d2d7      # -0.02521836165988763
        .word   0xd9ab33d8, 0x3fa34c95      # 0.03769367487038949
        # saturn
        .word   0xc332ca67, 0x4020afcd      # 8.34336671824458
        .word   0x31de01b0, 0x40107fcb      # 4.124798564124305
        .word   0xe1eb467c, 0xbfd9d353      # -0.4035234171143214
        .word   0xb8879442, 0xbff02c21      # -1.0107743461787924
        .word   0xbf1f8f13, 0x3ffd35e9      # 1.8256623712304119
        .word   0x5f1123b4, 0x3f813c48      # 0.008415761376584154
        .word   0x0d07c637, 0x3f871d49      # 0.011286326131968767
        # uranus
        .word   0xcea7d9cf, 0x4029c9ea      # 12.894369562139131
        .word   0xd626667e, 0xc02e38e8      # -15.111151401698631
        .word   0xbe257da0, 0xbfcc9557      # -0.22330757889265573
        .word   0xa9911bef, 0x3ff1531c      # 1.0827910064415354
        .word   0x3e54bbc5, 0x3febcc7f      # 0.8687130181696082
        .word   0xfaf23e7c, 0xbf862f6b      # -0.010832637401363636
        .word   0x9cf41eb3, 0x3f5c3dd2      # 0.0017237240570597112
        # neptune
        .word   0xa905572a, 0x402ec267      # 15.379697114850917
        .word   0x33c8a220, 0xc039eb58      # -25.919314609987964
        .word   0x93abe540, 0x3fc6f1f3      # 0.17925877295037118
        .word   0x1659bc4a, 0x3fef54b6      # 0.979090732243898
        .word   0x31c4fba3, 0x3fe307c6      # 0.5946989986476762
        .word   0x587665f6, 0xbfa1cb88      # -0.034755955504078104
        .word   0x531799ac, 0x3f60a8f3      # 0.0020336868699246304
