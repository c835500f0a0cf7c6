# memcpy (word-at-a-time), memmove (byte-wise, both directions, overlapping), memset, strlen and a strcmp returning byte differences, over aligned, unaligned and empty ranges and bytes >= 0x80: replaced by native code in compiled code, results identical.
# run: exit 0xdfab7c70
        .include "include/intrinsics_driver.inc"
        .include "include/mem_routines.inc"
        .include "include/strcmp_diff.inc"

        .include "include/intrinsics_data.inc"
