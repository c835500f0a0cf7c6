# f64 on register pairs, i64 conversions, and the r0/r1 pair quirk.
# run: exit 0
    .text
    .global _start
_start:
    # fdiv.d 3ff0000000000000 0000000000000000 -> 7ff0000000000000
    li r10, 0x00000000
    li r11, 0x3ff00000
    li r12, 0x00000000
    li r13, 0x00000000
    fdiv.d r14, r10, r12
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x7ff00000
    assert_eq r15, r8
    # fdiv.d bff0000000000000 0000000000000000 -> fff0000000000000
    li r10, 0x00000000
    li r11, 0xbff00000
    li r12, 0x00000000
    li r13, 0x00000000
    fdiv.d r14, r10, r12
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0xfff00000
    assert_eq r15, r8
    # fdiv.d 0000000000000000 0000000000000000 -> fff8000000000000
    li r10, 0x00000000
    li r11, 0x00000000
    li r12, 0x00000000
    li r13, 0x00000000
    fdiv.d r14, r10, r12
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0xfff80000
    assert_eq r15, r8
    # fadd.d 3ff8000000000000 4002000000000000 -> 400e000000000000
    li r10, 0x00000000
    li r11, 0x3ff80000
    li r12, 0x00000000
    li r13, 0x40020000
    fadd.d r14, r10, r12
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x400e0000
    assert_eq r15, r8
    # fmul.d 4008000000000000 bfe0000000000000 -> bff8000000000000
    li r10, 0x00000000
    li r11, 0x40080000
    li r12, 0x00000000
    li r13, 0xbfe00000
    fmul.d r14, r10, r12
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0xbff80000
    assert_eq r15, r8
    # fsub.d 3ff0000000000000 3fd0000000000000 -> 3fe8000000000000
    li r10, 0x00000000
    li r11, 0x3ff00000
    li r12, 0x00000000
    li r13, 0x3fd00000
    fsub.d r14, r10, r12
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x3fe80000
    assert_eq r15, r8
    # fadd.d 7ff800000000000a 7ff800000000000b -> 7ff800000000000b
    li r10, 0x0000000a
    li r11, 0x7ff80000
    li r12, 0x0000000b
    li r13, 0x7ff80000
    fadd.d r14, r10, r12
    li r8, 0x0000000b
    assert_eq r14, r8
    li r8, 0x7ff80000
    assert_eq r15, r8
    # fsub.d 7ff800000000000a 7ff800000000000b -> 7ff800000000000a
    li r10, 0x0000000a
    li r11, 0x7ff80000
    li r12, 0x0000000b
    li r13, 0x7ff80000
    fsub.d r14, r10, r12
    li r8, 0x0000000a
    assert_eq r14, r8
    li r8, 0x7ff80000
    assert_eq r15, r8
    # fsqrt.d bff0000000000000 -> fff8000000000000
    li r10, 0x00000000
    li r11, 0xbff00000
    fsqrt.d r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0xfff80000
    assert_eq r15, r8
    # fsqrt.d 8000000000000000 -> 8000000000000000
    li r10, 0x00000000
    li r11, 0x80000000
    fsqrt.d r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x80000000
    assert_eq r15, r8
    # fsqrt.d 4002000000000000 -> 3ff8000000000000
    li r10, 0x00000000
    li r11, 0x40020000
    fsqrt.d r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x3ff80000
    assert_eq r15, r8
    # fneg.d 7ff8000012345678 -> fff8000012345678
    li r10, 0x12345678
    li r11, 0x7ff80000
    fneg.d r14, r10
    li r8, 0x12345678
    assert_eq r14, r8
    li r8, 0xfff80000
    assert_eq r15, r8
    # fabs.d fff8000012345678 -> 7ff8000012345678
    li r10, 0x12345678
    li r11, 0xfff80000
    fabs.d r14, r10
    li r8, 0x12345678
    assert_eq r14, r8
    li r8, 0x7ff80000
    assert_eq r15, r8
    li r10, 0x00000000
    li r11, 0x7ff80000
    li r12, 0x00000000
    li r13, 0x7ff80000
    feq.d r7, r10, r12
    li r8, 0x00000000
    assert_eq r7, r8
    li r10, 0x00000000
    li r11, 0x00000000
    li r12, 0x00000000
    li r13, 0x80000000
    fle.d r7, r10, r12
    li r8, 0x00000001
    assert_eq r7, r8
    li r10, 0x00000000
    li r11, 0x3ff00000
    li r12, 0x00000000
    li r13, 0x40000000
    flt.d r7, r10, r12
    li r8, 0x00000001
    assert_eq r7, r8
    # fcvt.d.s 7f800001 -> 7ff8000020000000
    li r10, 0x7f800001
    fcvt.d.s r14, r10
    li r8, 0x20000000
    assert_eq r14, r8
    li r8, 0x7ff80000
    assert_eq r15, r8
    # fcvt.d.s 7fc12345 -> 7ff82468a0000000
    li r10, 0x7fc12345
    fcvt.d.s r14, r10
    li r8, 0xa0000000
    assert_eq r14, r8
    li r8, 0x7ff82468
    assert_eq r15, r8
    # fcvt.s.d 7ff8000012345678 -> 7fc00000
    li r10, 0x12345678
    li r11, 0x7ff80000
    fcvt.s.d r7, r10
    li r8, 0x7fc00000
    assert_eq r7, r8
    # fcvt.s.d 7ff0000000000001 -> 7fc00000
    li r10, 0x00000001
    li r11, 0x7ff00000
    fcvt.s.d r7, r10
    li r8, 0x7fc00000
    assert_eq r7, r8
    # fcvt.s.d 7e37e43c8800759c -> 7f800000
    li r10, 0x8800759c
    li r11, 0x7e37e43c
    fcvt.s.d r7, r10
    li r8, 0x7f800000
    assert_eq r7, r8
    # fcvt.s.d 37a16c262777579c -> 000116c2
    li r10, 0x2777579c
    li r11, 0x37a16c26
    fcvt.s.d r7, r10
    li r8, 0x000116c2
    assert_eq r7, r8
    # fcvt.d.wu ffffffff -> 41efffffffe00000
    li r10, 0xffffffff
    fcvt.d.wu r14, r10
    li r8, 0xffe00000
    assert_eq r14, r8
    li r8, 0x41efffff
    assert_eq r15, r8
    # fcvt.d.w ffffffff -> bff0000000000000
    li r10, 0xffffffff
    fcvt.d.w r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0xbff00000
    assert_eq r15, r8
    # fcvt.d.lu ffffffffffffffff -> 43f0000000000000
    li r10, 0xffffffff
    li r11, 0xffffffff
    fcvt.d.lu r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x43f00000
    assert_eq r15, r8
    # fcvt.d.l ffffffffffffffff -> bff0000000000000
    li r10, 0xffffffff
    li r11, 0xffffffff
    fcvt.d.l r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0xbff00000
    assert_eq r15, r8
    # fcvt.s.lu ffffffffffffffff -> 5f800000
    li r10, 0xffffffff
    li r11, 0xffffffff
    fcvt.s.lu r7, r10
    li r8, 0x5f800000
    assert_eq r7, r8
    # fcvt.w.d 7ff8000000000000 -> 80000000
    li r10, 0x00000000
    li r11, 0x7ff80000
    fcvt.w.d r7, r10
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.d 7ff8000000000000 -> 00000000
    li r10, 0x00000000
    li r11, 0x7ff80000
    fcvt.wu.d r7, r10
    li r8, 0x00000000
    assert_eq r7, r8
    # fcvt.l.d 7ff8000000000000 -> 8000000000000000
    li r10, 0x00000000
    li r11, 0x7ff80000
    fcvt.l.d r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x80000000
    assert_eq r15, r8
    # fcvt.lu.d 7ff8000000000000 -> 8000000000000000
    li r10, 0x00000000
    li r11, 0x7ff80000
    fcvt.lu.d r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x80000000
    assert_eq r15, r8
    # fcvt.w.d 7ff0000000000000 -> 80000000
    li r10, 0x00000000
    li r11, 0x7ff00000
    fcvt.w.d r7, r10
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.d 7ff0000000000000 -> 00000000
    li r10, 0x00000000
    li r11, 0x7ff00000
    fcvt.wu.d r7, r10
    li r8, 0x00000000
    assert_eq r7, r8
    # fcvt.l.d 7ff0000000000000 -> 8000000000000000
    li r10, 0x00000000
    li r11, 0x7ff00000
    fcvt.l.d r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x80000000
    assert_eq r15, r8
    # fcvt.lu.d 7ff0000000000000 -> 0000000000000000
    li r10, 0x00000000
    li r11, 0x7ff00000
    fcvt.lu.d r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x00000000
    assert_eq r15, r8
    # fcvt.w.d fff0000000000000 -> 80000000
    li r10, 0x00000000
    li r11, 0xfff00000
    fcvt.w.d r7, r10
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.d fff0000000000000 -> 00000000
    li r10, 0x00000000
    li r11, 0xfff00000
    fcvt.wu.d r7, r10
    li r8, 0x00000000
    assert_eq r7, r8
    # fcvt.l.d fff0000000000000 -> 8000000000000000
    li r10, 0x00000000
    li r11, 0xfff00000
    fcvt.l.d r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x80000000
    assert_eq r15, r8
    # fcvt.lu.d fff0000000000000 -> 8000000000000000
    li r10, 0x00000000
    li r11, 0xfff00000
    fcvt.lu.d r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x80000000
    assert_eq r15, r8
    # fcvt.w.d 41e65a0bc0000000 -> 80000000
    li r10, 0xc0000000
    li r11, 0x41e65a0b
    fcvt.w.d r7, r10
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.d 41e65a0bc0000000 -> b2d05e00
    li r10, 0xc0000000
    li r11, 0x41e65a0b
    fcvt.wu.d r7, r10
    li r8, 0xb2d05e00
    assert_eq r7, r8
    # fcvt.l.d 41e65a0bc0000000 -> 00000000b2d05e00
    li r10, 0xc0000000
    li r11, 0x41e65a0b
    fcvt.l.d r14, r10
    li r8, 0xb2d05e00
    assert_eq r14, r8
    li r8, 0x00000000
    assert_eq r15, r8
    # fcvt.lu.d 41e65a0bc0000000 -> 00000000b2d05e00
    li r10, 0xc0000000
    li r11, 0x41e65a0b
    fcvt.lu.d r14, r10
    li r8, 0xb2d05e00
    assert_eq r14, r8
    li r8, 0x00000000
    assert_eq r15, r8
    # fcvt.w.d c1e65a0bc0000000 -> 80000000
    li r10, 0xc0000000
    li r11, 0xc1e65a0b
    fcvt.w.d r7, r10
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.d c1e65a0bc0000000 -> 4d2fa200
    li r10, 0xc0000000
    li r11, 0xc1e65a0b
    fcvt.wu.d r7, r10
    li r8, 0x4d2fa200
    assert_eq r7, r8
    # fcvt.l.d c1e65a0bc0000000 -> ffffffff4d2fa200
    li r10, 0xc0000000
    li r11, 0xc1e65a0b
    fcvt.l.d r14, r10
    li r8, 0x4d2fa200
    assert_eq r14, r8
    li r8, 0xffffffff
    assert_eq r15, r8
    # fcvt.lu.d c1e65a0bc0000000 -> ffffffff4d2fa200
    li r10, 0xc0000000
    li r11, 0xc1e65a0b
    fcvt.lu.d r14, r10
    li r8, 0x4d2fa200
    assert_eq r14, r8
    li r8, 0xffffffff
    assert_eq r15, r8
    # fcvt.w.d bff8000000000000 -> ffffffff
    li r10, 0x00000000
    li r11, 0xbff80000
    fcvt.w.d r7, r10
    li r8, 0xffffffff
    assert_eq r7, r8
    # fcvt.wu.d bff8000000000000 -> ffffffff
    li r10, 0x00000000
    li r11, 0xbff80000
    fcvt.wu.d r7, r10
    li r8, 0xffffffff
    assert_eq r7, r8
    # fcvt.l.d bff8000000000000 -> ffffffffffffffff
    li r10, 0x00000000
    li r11, 0xbff80000
    fcvt.l.d r14, r10
    li r8, 0xffffffff
    assert_eq r14, r8
    li r8, 0xffffffff
    assert_eq r15, r8
    # fcvt.lu.d bff8000000000000 -> ffffffffffffffff
    li r10, 0x00000000
    li r11, 0xbff80000
    fcvt.lu.d r14, r10
    li r8, 0xffffffff
    assert_eq r14, r8
    li r8, 0xffffffff
    assert_eq r15, r8
    # fcvt.w.d 43e158e460913d00 -> 80000000
    li r10, 0x60913d00
    li r11, 0x43e158e4
    fcvt.w.d r7, r10
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.d 43e158e460913d00 -> 00000000
    li r10, 0x60913d00
    li r11, 0x43e158e4
    fcvt.wu.d r7, r10
    li r8, 0x00000000
    assert_eq r7, r8
    # fcvt.l.d 43e158e460913d00 -> 8000000000000000
    li r10, 0x60913d00
    li r11, 0x43e158e4
    fcvt.l.d r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x80000000
    assert_eq r15, r8
    # fcvt.lu.d 43e158e460913d00 -> 8ac7230489e80000
    li r10, 0x60913d00
    li r11, 0x43e158e4
    fcvt.lu.d r14, r10
    li r8, 0x89e80000
    assert_eq r14, r8
    li r8, 0x8ac72304
    assert_eq r15, r8
    # fcvt.w.d 43f158e460913d00 -> 80000000
    li r10, 0x60913d00
    li r11, 0x43f158e4
    fcvt.w.d r7, r10
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.d 43f158e460913d00 -> 00000000
    li r10, 0x60913d00
    li r11, 0x43f158e4
    fcvt.wu.d r7, r10
    li r8, 0x00000000
    assert_eq r7, r8
    # fcvt.l.d 43f158e460913d00 -> 8000000000000000
    li r10, 0x60913d00
    li r11, 0x43f158e4
    fcvt.l.d r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x80000000
    assert_eq r15, r8
    # fcvt.lu.d 43f158e460913d00 -> 0000000000000000
    li r10, 0x60913d00
    li r11, 0x43f158e4
    fcvt.lu.d r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x00000000
    assert_eq r15, r8
    # fcvt.w.d 41dffffffff9999a -> 7fffffff
    li r10, 0xfff9999a
    li r11, 0x41dfffff
    fcvt.w.d r7, r10
    li r8, 0x7fffffff
    assert_eq r7, r8
    # fcvt.wu.d 41dffffffff9999a -> 7fffffff
    li r10, 0xfff9999a
    li r11, 0x41dfffff
    fcvt.wu.d r7, r10
    li r8, 0x7fffffff
    assert_eq r7, r8
    # fcvt.l.d 41dffffffff9999a -> 000000007fffffff
    li r10, 0xfff9999a
    li r11, 0x41dfffff
    fcvt.l.d r14, r10
    li r8, 0x7fffffff
    assert_eq r14, r8
    li r8, 0x00000000
    assert_eq r15, r8
    # fcvt.lu.d 41dffffffff9999a -> 000000007fffffff
    li r10, 0xfff9999a
    li r11, 0x41dfffff
    fcvt.lu.d r14, r10
    li r8, 0x7fffffff
    assert_eq r14, r8
    li r8, 0x00000000
    assert_eq r15, r8
    # fcvt.w.d 41effffffffccccd -> 80000000
    li r10, 0xfffccccd
    li r11, 0x41efffff
    fcvt.w.d r7, r10
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.d 41effffffffccccd -> ffffffff
    li r10, 0xfffccccd
    li r11, 0x41efffff
    fcvt.wu.d r7, r10
    li r8, 0xffffffff
    assert_eq r7, r8
    # fcvt.l.d 41effffffffccccd -> 00000000ffffffff
    li r10, 0xfffccccd
    li r11, 0x41efffff
    fcvt.l.d r14, r10
    li r8, 0xffffffff
    assert_eq r14, r8
    li r8, 0x00000000
    assert_eq r15, r8
    # fcvt.lu.d 41effffffffccccd -> 00000000ffffffff
    li r10, 0xfffccccd
    li r11, 0x41efffff
    fcvt.lu.d r14, r10
    li r8, 0xffffffff
    assert_eq r14, r8
    li r8, 0x00000000
    assert_eq r15, r8
    # fcvt.w.d c1e0000000200000 -> 80000000
    li r10, 0x00200000
    li r11, 0xc1e00000
    fcvt.w.d r7, r10
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.d c1e0000000200000 -> 7fffffff
    li r10, 0x00200000
    li r11, 0xc1e00000
    fcvt.wu.d r7, r10
    li r8, 0x7fffffff
    assert_eq r7, r8
    # fcvt.l.d c1e0000000200000 -> ffffffff7fffffff
    li r10, 0x00200000
    li r11, 0xc1e00000
    fcvt.l.d r14, r10
    li r8, 0x7fffffff
    assert_eq r14, r8
    li r8, 0xffffffff
    assert_eq r15, r8
    # fcvt.lu.d c1e0000000200000 -> ffffffff7fffffff
    li r10, 0x00200000
    li r11, 0xc1e00000
    fcvt.lu.d r14, r10
    li r8, 0x7fffffff
    assert_eq r14, r8
    li r8, 0xffffffff
    assert_eq r15, r8
    # fcvt.l.s 5f0ac723 -> 8000000000000000
    li r10, 0x5f0ac723
    fcvt.l.s r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x80000000
    assert_eq r15, r8
    # fcvt.lu.s 5f0ac723 -> 8ac7230000000000
    li r10, 0x5f0ac723
    fcvt.lu.s r14, r10
    li r8, 0x00000000
    assert_eq r14, r8
    li r8, 0x8ac72300
    assert_eq r15, r8
    # fcvt.lu.s bfc00000 -> ffffffffffffffff
    li r10, 0xbfc00000
    fcvt.lu.s r14, r10
    li r8, 0xffffffff
    assert_eq r14, r8
    li r8, 0xffffffff
    assert_eq r15, r8
    # an f64 result in r0 puts its high half in r1
    li r6, 0x00000000
    li r7, 0x3ff00000
    fadd.d r0, r6, r6
    li r8, 0x40000000
    assert_eq r1, r8
    assert_eq r0, r0
    add r7, r0, r0
    li r8, 0
    assert_eq r7, r8
    # r30 is a valid pair
    li r30, 0x00000000
    li r31, 0x40100000
    fsqrt.d r30, r30
    li r8, 0x00000000
    assert_eq r30, r8
    li r8, 0x40000000
    assert_eq r31, r8
    # fneg.d is not pair-checked: odd registers are used as written
    li r7, 0x11111111
    li r8, 0x22222222
    fneg.d r10, r7
    li r9, 0x11111111
    assert_eq r10, r9
    li r9, 0xa2222222
    assert_eq r11, r9
    li r1, 0
    halt
