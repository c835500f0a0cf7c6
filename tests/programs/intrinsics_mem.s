# memcpy (word-at-a-time), memmove (byte-wise, both directions, overlapping), memset, strlen and a strcmp returning byte differences, over aligned, unaligned and empty ranges and bytes >= 0x80: replaced by native code in compiled code, results identical.
# run: exit 0xdfab7c70
        .include "include/intrinsics_driver.inc"
        .include "include/mem_routines.inc"
# strcmp: difference of the first differing unsigned bytes.
        .globl strcmp
strcmp:
1:      ldbu    a2, a0+0
        ldbu    a3, a1+0
        bne     a2, a3, 2f
        beqz    a2, 3f
        addi    a0, a0, 1
        addi    a1, a1, 1
        j       1b
2:      sub     rv, a2, a3
        ret
3:      li      rv, 0
        ret

        .include "include/intrinsics_data.inc"
