# Division by zero is not a trap in SLOW-32: x / 0 = -1 and x % 0 = x;
# INT_MIN / -1 = INT_MIN and INT_MIN % -1 = 0. The program checks every
# result itself (exit 0 = all as on the reference interpreter slow32,
# which exits 0 on it); the registers are checked on every engine too.
# run: exit 0
# run: reg r10 0xffffffff
# run: reg r11 0x00000007
# run: reg r12 0xffffffff
# run: reg r13 0x00000000
# run: reg r14 0xffffffff
# run: reg r15 0xfffffff9
# run: reg r16 0x80000000
# run: reg r17 0x00000000
    .text
    .global _start
_start:
    li r5, 7
    li r6, 0
    li r7, -7
    li r8, 0x80000000
    li r9, -1
    div r10, r5, r6         # 7 / 0
    rem r11, r5, r6         # 7 % 0
    div r12, r6, r6         # 0 / 0
    rem r13, r6, r6         # 0 % 0
    div r14, r8, r6         # INT_MIN / 0
    rem r15, r7, r6         # -7 % 0
    div r16, r8, r9         # INT_MIN / -1
    rem r17, r8, r9         # INT_MIN % -1
    li r1, 1
    li r2, -1
    bne r10, r2, fail
    li r1, 2
    bne r11, r5, fail
    li r1, 3
    bne r12, r2, fail
    li r1, 4
    bne r13, r0, fail
    li r1, 5
    bne r14, r2, fail
    li r1, 6
    bne r15, r7, fail
    li r1, 7
    bne r16, r8, fail
    li r1, 8
    bne r17, r0, fail
    li r1, 0
fail:
    halt
