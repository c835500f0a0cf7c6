# f32 arithmetic, NaN payloads, comparisons and conversions (x86 SSE results).
# run: exit 0
    .text
    .global _start
_start:
    # fdiv.s 3f800000 00000000 -> 7f800000
    li r5, 0x3f800000
    li r6, 0x00000000
    fdiv.s r7, r5, r6
    li r8, 0x7f800000
    assert_eq r7, r8
    # fdiv.s bf800000 00000000 -> ff800000
    li r5, 0xbf800000
    li r6, 0x00000000
    fdiv.s r7, r5, r6
    li r8, 0xff800000
    assert_eq r7, r8
    # fdiv.s 3f800000 80000000 -> ff800000
    li r5, 0x3f800000
    li r6, 0x80000000
    fdiv.s r7, r5, r6
    li r8, 0xff800000
    assert_eq r7, r8
    # fdiv.s 00000000 00000000 -> ffc00000
    li r5, 0x00000000
    li r6, 0x00000000
    fdiv.s r7, r5, r6
    li r8, 0xffc00000
    assert_eq r7, r8
    # fmul.s 7f800000 00000000 -> ffc00000
    li r5, 0x7f800000
    li r6, 0x00000000
    fmul.s r7, r5, r6
    li r8, 0xffc00000
    assert_eq r7, r8
    # fsub.s 7f800000 7f800000 -> ffc00000
    li r5, 0x7f800000
    li r6, 0x7f800000
    fsub.s r7, r5, r6
    li r8, 0xffc00000
    assert_eq r7, r8
    # fmul.s 00800000 3f000000 -> 00400000
    li r5, 0x00800000
    li r6, 0x3f000000
    fmul.s r7, r5, r6
    li r8, 0x00400000
    assert_eq r7, r8
    # fadd.s 7fc12345 3f800000 -> 7fc12345
    li r5, 0x7fc12345
    li r6, 0x3f800000
    fadd.s r7, r5, r6
    li r8, 0x7fc12345
    assert_eq r7, r8
    # fadd.s 3f800000 7fc12345 -> 7fc12345
    li r5, 0x3f800000
    li r6, 0x7fc12345
    fadd.s r7, r5, r6
    li r8, 0x7fc12345
    assert_eq r7, r8
    # fadd.s 7f800001 3f800000 -> 7fc00001
    li r5, 0x7f800001
    li r6, 0x3f800000
    fadd.s r7, r5, r6
    li r8, 0x7fc00001
    assert_eq r7, r8
    # fadd.s 3f800000 ff80000b -> ffc0000b
    li r5, 0x3f800000
    li r6, 0xff80000b
    fadd.s r7, r5, r6
    li r8, 0xffc0000b
    assert_eq r7, r8
    # fadd.s 7fc0000a 7fc0000b -> 7fc0000b
    li r5, 0x7fc0000a
    li r6, 0x7fc0000b
    fadd.s r7, r5, r6
    li r8, 0x7fc0000b
    assert_eq r7, r8
    # fmul.s 7fc0000a 7fc0000b -> 7fc0000b
    li r5, 0x7fc0000a
    li r6, 0x7fc0000b
    fmul.s r7, r5, r6
    li r8, 0x7fc0000b
    assert_eq r7, r8
    # fsub.s 7fc0000a 7fc0000b -> 7fc0000a
    li r5, 0x7fc0000a
    li r6, 0x7fc0000b
    fsub.s r7, r5, r6
    li r8, 0x7fc0000a
    assert_eq r7, r8
    # fdiv.s 7fc0000a 7fc0000b -> 7fc0000a
    li r5, 0x7fc0000a
    li r6, 0x7fc0000b
    fdiv.s r7, r5, r6
    li r8, 0x7fc0000a
    assert_eq r7, r8
    # fsqrt.s bf800000 -> ffc00000
    li r5, 0xbf800000
    fsqrt.s r7, r5
    li r8, 0xffc00000
    assert_eq r7, r8
    # fsqrt.s 80000000 -> 80000000
    li r5, 0x80000000
    fsqrt.s r7, r5
    li r8, 0x80000000
    assert_eq r7, r8
    # fsqrt.s ff800000 -> ffc00000
    li r5, 0xff800000
    fsqrt.s r7, r5
    li r8, 0xffc00000
    assert_eq r7, r8
    # fsqrt.s 7fc12345 -> 7fc12345
    li r5, 0x7fc12345
    fsqrt.s r7, r5
    li r8, 0x7fc12345
    assert_eq r7, r8
    # fsqrt.s ff800005 -> ffc00005
    li r5, 0xff800005
    fsqrt.s r7, r5
    li r8, 0xffc00005
    assert_eq r7, r8
    # feq.s 7fc00000 7fc00000 -> 00000000
    li r5, 0x7fc00000
    li r6, 0x7fc00000
    feq.s r7, r5, r6
    li r8, 0x00000000
    assert_eq r7, r8
    # feq.s 7fc00000 00000000 -> 00000000
    li r5, 0x7fc00000
    li r6, 0x00000000
    feq.s r7, r5, r6
    li r8, 0x00000000
    assert_eq r7, r8
    # flt.s 7fc00000 7fc00000 -> 00000000
    li r5, 0x7fc00000
    li r6, 0x7fc00000
    flt.s r7, r5, r6
    li r8, 0x00000000
    assert_eq r7, r8
    # flt.s 7fc00000 00000000 -> 00000000
    li r5, 0x7fc00000
    li r6, 0x00000000
    flt.s r7, r5, r6
    li r8, 0x00000000
    assert_eq r7, r8
    # fle.s 7fc00000 7fc00000 -> 00000000
    li r5, 0x7fc00000
    li r6, 0x7fc00000
    fle.s r7, r5, r6
    li r8, 0x00000000
    assert_eq r7, r8
    # fle.s 7fc00000 00000000 -> 00000000
    li r5, 0x7fc00000
    li r6, 0x00000000
    fle.s r7, r5, r6
    li r8, 0x00000000
    assert_eq r7, r8
    # feq.s 00000000 80000000 -> 00000001
    li r5, 0x00000000
    li r6, 0x80000000
    feq.s r7, r5, r6
    li r8, 0x00000001
    assert_eq r7, r8
    # flt.s 00000000 80000000 -> 00000000
    li r5, 0x00000000
    li r6, 0x80000000
    flt.s r7, r5, r6
    li r8, 0x00000000
    assert_eq r7, r8
    # fle.s 00000000 80000000 -> 00000001
    li r5, 0x00000000
    li r6, 0x80000000
    fle.s r7, r5, r6
    li r8, 0x00000001
    assert_eq r7, r8
    # fneg.s 7fc00000 -> ffc00000
    li r5, 0x7fc00000
    fneg.s r7, r5
    li r8, 0xffc00000
    assert_eq r7, r8
    # fabs.s 7fc00000 -> 7fc00000
    li r5, 0x7fc00000
    fabs.s r7, r5
    li r8, 0x7fc00000
    assert_eq r7, r8
    # fneg.s 7f800001 -> ff800001
    li r5, 0x7f800001
    fneg.s r7, r5
    li r8, 0xff800001
    assert_eq r7, r8
    # fcvt.s.w ffffffff -> bf800000
    li r5, 0xffffffff
    fcvt.s.w r7, r5
    li r8, 0xbf800000
    assert_eq r7, r8
    # fcvt.s.wu ffffffff -> 4f800000
    li r5, 0xffffffff
    fcvt.s.wu r7, r5
    li r8, 0x4f800000
    assert_eq r7, r8
    # fcvt.s.w 7fffffff -> 4f000000
    li r5, 0x7fffffff
    fcvt.s.w r7, r5
    li r8, 0x4f000000
    assert_eq r7, r8
    # fcvt.s.w 80000000 -> cf000000
    li r5, 0x80000000
    fcvt.s.w r7, r5
    li r8, 0xcf000000
    assert_eq r7, r8
    # fcvt.s.w 01000001 -> 4b800000
    li r5, 0x01000001
    fcvt.s.w r7, r5
    li r8, 0x4b800000
    assert_eq r7, r8
    # fcvt.s.wu 80000000 -> 4f000000
    li r5, 0x80000000
    fcvt.s.wu r7, r5
    li r8, 0x4f000000
    assert_eq r7, r8
    # fcvt.w.s 7fc00000 -> 80000000
    li r5, 0x7fc00000
    fcvt.w.s r7, r5
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.s 7fc00000 -> 00000000
    li r5, 0x7fc00000
    fcvt.wu.s r7, r5
    li r8, 0x00000000
    assert_eq r7, r8
    # fcvt.w.s 7f800000 -> 80000000
    li r5, 0x7f800000
    fcvt.w.s r7, r5
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.s 7f800000 -> 00000000
    li r5, 0x7f800000
    fcvt.wu.s r7, r5
    li r8, 0x00000000
    assert_eq r7, r8
    # fcvt.w.s ff800000 -> 80000000
    li r5, 0xff800000
    fcvt.w.s r7, r5
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.s ff800000 -> 00000000
    li r5, 0xff800000
    fcvt.wu.s r7, r5
    li r8, 0x00000000
    assert_eq r7, r8
    # fcvt.w.s 4f32d05e -> 80000000
    li r5, 0x4f32d05e
    fcvt.w.s r7, r5
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.s 4f32d05e -> b2d05e00
    li r5, 0x4f32d05e
    fcvt.wu.s r7, r5
    li r8, 0xb2d05e00
    assert_eq r7, r8
    # fcvt.w.s cf32d05e -> 80000000
    li r5, 0xcf32d05e
    fcvt.w.s r7, r5
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.s cf32d05e -> 4d2fa200
    li r5, 0xcf32d05e
    fcvt.wu.s r7, r5
    li r8, 0x4d2fa200
    assert_eq r7, r8
    # fcvt.w.s 4f9502f9 -> 80000000
    li r5, 0x4f9502f9
    fcvt.w.s r7, r5
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.s 4f9502f9 -> 2a05f200
    li r5, 0x4f9502f9
    fcvt.wu.s r7, r5
    li r8, 0x2a05f200
    assert_eq r7, r8
    # fcvt.w.s bfc00000 -> ffffffff
    li r5, 0xbfc00000
    fcvt.w.s r7, r5
    li r8, 0xffffffff
    assert_eq r7, r8
    # fcvt.wu.s bfc00000 -> ffffffff
    li r5, 0xbfc00000
    fcvt.wu.s r7, r5
    li r8, 0xffffffff
    assert_eq r7, r8
    # fcvt.w.s 3fc00000 -> 00000001
    li r5, 0x3fc00000
    fcvt.w.s r7, r5
    li r8, 0x00000001
    assert_eq r7, r8
    # fcvt.wu.s 3fc00000 -> 00000001
    li r5, 0x3fc00000
    fcvt.wu.s r7, r5
    li r8, 0x00000001
    assert_eq r7, r8
    # fcvt.w.s bf000000 -> 00000000
    li r5, 0xbf000000
    fcvt.w.s r7, r5
    li r8, 0x00000000
    assert_eq r7, r8
    # fcvt.wu.s bf000000 -> 00000000
    li r5, 0xbf000000
    fcvt.wu.s r7, r5
    li r8, 0x00000000
    assert_eq r7, r8
    # fcvt.w.s 4f000000 -> 80000000
    li r5, 0x4f000000
    fcvt.w.s r7, r5
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.s 4f000000 -> 80000000
    li r5, 0x4f000000
    fcvt.wu.s r7, r5
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.w.s cf000000 -> 80000000
    li r5, 0xcf000000
    fcvt.w.s r7, r5
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.s cf000000 -> 80000000
    li r5, 0xcf000000
    fcvt.wu.s r7, r5
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.w.s 4f7fffff -> 80000000
    li r5, 0x4f7fffff
    fcvt.w.s r7, r5
    li r8, 0x80000000
    assert_eq r7, r8
    # fcvt.wu.s 4f7fffff -> ffffff00
    li r5, 0x4f7fffff
    fcvt.wu.s r7, r5
    li r8, 0xffffff00
    assert_eq r7, r8
    li r1, 0
    halt
