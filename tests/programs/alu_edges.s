# Integer arithmetic edge cases, values measured on the reference interpreter.
# run: exit 0
    .text
    .global _start
_start:
    # div 0x00000007, 0x00000000 -> 0xffffffff x/0 = -1
    li r5, 0x00000007
    li r6, 0x00000000
    div r7, r5, r6
    li r8, 0xffffffff
    assert_eq r7, r8
    # rem 0x00000007, 0x00000000 -> 0x00000007 x%0 = x
    li r5, 0x00000007
    li r6, 0x00000000
    rem r7, r5, r6
    li r8, 0x00000007
    assert_eq r7, r8
    # div 0x80000000, 0xffffffff -> 0x80000000 INT_MIN/-1
    li r5, 0x80000000
    li r6, 0xffffffff
    div r7, r5, r6
    li r8, 0x80000000
    assert_eq r7, r8
    # rem 0x80000000, 0xffffffff -> 0x00000000 INT_MIN%-1
    li r5, 0x80000000
    li r6, 0xffffffff
    rem r7, r5, r6
    li r8, 0x00000000
    assert_eq r7, r8
    # div 0xfffffff9, 0x00000002 -> 0xfffffffd -7/2 = -3
    li r5, 0xfffffff9
    li r6, 0x00000002
    div r7, r5, r6
    li r8, 0xfffffffd
    assert_eq r7, r8
    # rem 0xfffffff9, 0x00000002 -> 0xffffffff -7%2 = -1
    li r5, 0xfffffff9
    li r6, 0x00000002
    rem r7, r5, r6
    li r8, 0xffffffff
    assert_eq r7, r8
    # mul 0xffffffff, 0xffffffff -> 0x00000001 
    li r5, 0xffffffff
    li r6, 0xffffffff
    mul r7, r5, r6
    li r8, 0x00000001
    assert_eq r7, r8
    # mulh 0xffffffff, 0xffffffff -> 0x00000000 
    li r5, 0xffffffff
    li r6, 0xffffffff
    mulh r7, r5, r6
    li r8, 0x00000000
    assert_eq r7, r8
    # mulhu 0xffffffff, 0xffffffff -> 0xfffffffe 
    li r5, 0xffffffff
    li r6, 0xffffffff
    mulhu r7, r5, r6
    li r8, 0xfffffffe
    assert_eq r7, r8
    # mul 0x7fffffff, 0x7fffffff -> 0x00000001 
    li r5, 0x7fffffff
    li r6, 0x7fffffff
    mul r7, r5, r6
    li r8, 0x00000001
    assert_eq r7, r8
    # mulh 0x7fffffff, 0x7fffffff -> 0x3fffffff 
    li r5, 0x7fffffff
    li r6, 0x7fffffff
    mulh r7, r5, r6
    li r8, 0x3fffffff
    assert_eq r7, r8
    # mulhu 0x7fffffff, 0x7fffffff -> 0x3fffffff 
    li r5, 0x7fffffff
    li r6, 0x7fffffff
    mulhu r7, r5, r6
    li r8, 0x3fffffff
    assert_eq r7, r8
    # mul 0xfffffffd, 0x00000005 -> 0xfffffff1 
    li r5, 0xfffffffd
    li r6, 0x00000005
    mul r7, r5, r6
    li r8, 0xfffffff1
    assert_eq r7, r8
    # mulh 0xfffffffd, 0x00000005 -> 0xffffffff 
    li r5, 0xfffffffd
    li r6, 0x00000005
    mulh r7, r5, r6
    li r8, 0xffffffff
    assert_eq r7, r8
    # mulhu 0xfffffffd, 0x00000005 -> 0x00000004 
    li r5, 0xfffffffd
    li r6, 0x00000005
    mulhu r7, r5, r6
    li r8, 0x00000004
    assert_eq r7, r8
    # mul 0xdeadbeef, 0x12345678 -> 0x5621ca08 
    li r5, 0xdeadbeef
    li r6, 0x12345678
    mul r7, r5, r6
    li r8, 0x5621ca08
    assert_eq r7, r8
    # mulh 0xdeadbeef, 0x12345678 -> 0xfda16776 
    li r5, 0xdeadbeef
    li r6, 0x12345678
    mulh r7, r5, r6
    li r8, 0xfda16776
    assert_eq r7, r8
    # mulhu 0xdeadbeef, 0x12345678 -> 0x0fd5bdee 
    li r5, 0xdeadbeef
    li r6, 0x12345678
    mulhu r7, r5, r6
    li r8, 0x0fd5bdee
    assert_eq r7, r8
    # mul 0x80000000, 0x80000000 -> 0x00000000 
    li r5, 0x80000000
    li r6, 0x80000000
    mul r7, r5, r6
    li r8, 0x00000000
    assert_eq r7, r8
    # mulh 0x80000000, 0x80000000 -> 0x40000000 
    li r5, 0x80000000
    li r6, 0x80000000
    mulh r7, r5, r6
    li r8, 0x40000000
    assert_eq r7, r8
    # mulhu 0x80000000, 0x80000000 -> 0x40000000 
    li r5, 0x80000000
    li r6, 0x80000000
    mulhu r7, r5, r6
    li r8, 0x40000000
    assert_eq r7, r8
    # add 0x7fffffff, 0x00000001 -> 0x80000000 wraps
    li r5, 0x7fffffff
    li r6, 0x00000001
    add r7, r5, r6
    li r8, 0x80000000
    assert_eq r7, r8
    # slt 0x80000000, 0x00000001 -> 0x00000001 
    li r5, 0x80000000
    li r6, 0x00000001
    slt r7, r5, r6
    li r8, 0x00000001
    assert_eq r7, r8
    # sltu 0x80000000, 0x00000001 -> 0x00000000 
    li r5, 0x80000000
    li r6, 0x00000001
    sltu r7, r5, r6
    li r8, 0x00000000
    assert_eq r7, r8
    # sgt 0x80000000, 0x00000001 -> 0x00000000 
    li r5, 0x80000000
    li r6, 0x00000001
    sgt r7, r5, r6
    li r8, 0x00000000
    assert_eq r7, r8
    # sgtu 0x80000000, 0x00000001 -> 0x00000001 
    li r5, 0x80000000
    li r6, 0x00000001
    sgtu r7, r5, r6
    li r8, 0x00000001
    assert_eq r7, r8
    # sle 0x80000000, 0x00000001 -> 0x00000001 
    li r5, 0x80000000
    li r6, 0x00000001
    sle r7, r5, r6
    li r8, 0x00000001
    assert_eq r7, r8
    # sleu 0x80000000, 0x00000001 -> 0x00000000 
    li r5, 0x80000000
    li r6, 0x00000001
    sleu r7, r5, r6
    li r8, 0x00000000
    assert_eq r7, r8
    # sge 0x80000000, 0x00000001 -> 0x00000000 
    li r5, 0x80000000
    li r6, 0x00000001
    sge r7, r5, r6
    li r8, 0x00000000
    assert_eq r7, r8
    # sgeu 0x80000000, 0x00000001 -> 0x00000001 
    li r5, 0x80000000
    li r6, 0x00000001
    sgeu r7, r5, r6
    li r8, 0x00000001
    assert_eq r7, r8
    # seq 0x80000000, 0x00000001 -> 0x00000000 
    li r5, 0x80000000
    li r6, 0x00000001
    seq r7, r5, r6
    li r8, 0x00000000
    assert_eq r7, r8
    # sne 0x80000000, 0x00000001 -> 0x00000001 
    li r5, 0x80000000
    li r6, 0x00000001
    sne r7, r5, r6
    li r8, 0x00000001
    assert_eq r7, r8
    li r1, 0
    halt
