# As intrinsics_mem.s with a strcmp returning -1/0/1 over signed chars.
# run: exit 0xbc7d99ef
        .include "include/intrinsics_driver.inc"
        .include "include/mem_routines.inc"
# strcmp: -1/0/1 comparing signed chars.
        .globl strcmp
strcmp:
1:      ldb     a2, a0+0
        ldb     a3, a1+0
        bne     a2, a3, 2f
        beqz    a2, 3f
        addi    a0, a0, 1
        addi    a1, a1, 1
        j       1b
2:      li      rv, 1
        blt     a3, a2, 4f
        li      rv, -1
4:      ret
3:      li      rv, 0
        ret

        .include "include/intrinsics_data.inc"
