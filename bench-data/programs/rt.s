# ---------------------------------------------------------------------------
# rt.s — the shared runtime of the fast32 benchmark programs.
#
# Put before every benchmark's source by fast32_bench_data (the programs
# assemble in memory, without .include). Provides:
#
#   _start                 fetch argv (ARGS_INFO / ARGS_DATA), call
#                          main(argc, argv), EXIT with main's return value
#   exit(status)           EXIT service; never returns
#   write(fd, buf, len)    WRITE service, in chunks of the data buffer
#   read(fd, buf, len)     one READ_DIRECT into guest memory (zero copy);
#                          if the host refuses it once, READ + copy from
#                          then on. Returns bytes read, 0 at EOF, -1 error
#   open(path, flags)      OPEN service; fd or -1 (flags: 1 = read)
#   close(fd)              CLOSE service
#   print_str(s)           NUL-terminated string to stdout
#   eprint_str(s)          ... to stderr
#   print_char(c)          one byte to stdout
#   print_hex(x)           "0x" and 8 lower-case hex digits (printf 0x%08x)
#   print_hex_digits(x)    the 8 digits alone (printf %08x)
#   print_dec(x)           unsigned decimal (printf %u)
#   atoi(s)                optional '-', decimal digits
#
# Calling convention (the SLOW-32 ABI): arguments in a0..a7 (r3..r10),
# result in rv (r1), r2 and a0..a7 are scratch, s0..s17 (r11..r28), sp
# and fp are preserved, lr (r31) is the link register.
#
# The MMIO protocol: the guest writes a payload into the 48 KiB data
# buffer, a descriptor {opcode, length, offset, status} into the request
# ring slot REQ_HEAD, advances REQ_HEAD and executes YIELD; the host
# answers in the response ring slot RESP_TAIL ({opcode, length, offset,
# status}), which the guest consumes by advancing RESP_TAIL.
# ---------------------------------------------------------------------------

        .equ RT_REQ_HEAD,   0x0000
        .equ RT_REQ_TAIL,   0x0004
        .equ RT_REQ_RING,   0x1000
        .equ RT_RESP_HEAD,  0x2000
        .equ RT_RESP_TAIL,  0x2004
        .equ RT_RESP_RING,  0x3000
        .equ RT_DATA,       0x4000
        .equ RT_DATA_CAP,   0xC000          # 48 KiB

        .equ RT_OP_WRITE,       0x03
        .equ RT_OP_READ,        0x04
        .equ RT_OP_OPEN,        0x05
        .equ RT_OP_CLOSE,       0x06
        .equ RT_OP_EXIT,        0x09
        .equ RT_OP_READ_DIRECT, 0x0C
        .equ RT_OP_ARGS_INFO,   0x60
        .equ RT_OP_ARGS_DATA,   0x61

        .equ RT_ARGBUF_SIZE, 4096
        .equ RT_ARGV_MAX,    31

        .text

# ---------------------------------------------------------------------------
# _start: sp is set by the loader.
        .globl _start
        .type _start, @function
_start:
        call    __rt_fetch_args         # rv = argc, argv in __rt_argv
        mv      a0, rv
        la      a1, __rt_argv
        call    main
        mv      a0, rv
        j       exit
        .size _start, . - _start

# ---------------------------------------------------------------------------
# exit(a0 = status)
        .globl exit
        .type exit, @function
exit:
        mv      a3, a0
        li      a0, RT_OP_EXIT
        li      a1, 0
        li      a2, 0
        call    __rt_request
        mv      rv, a3                  # not reached: the host stops at EXIT
        halt
        .size exit, . - exit

# ---------------------------------------------------------------------------
# __rt_request(a0 = opcode, a1 = length, a2 = offset, a3 = status)
#   -> rv = response status, t0 (r2) = response length.
# Clobbers a4..a7 only (a0..a3 are preserved: exit relies on a3).
        .type __rt_request, @function
__rt_request:
        la      a4, __mmio_base
        ldw     a5, a4+RT_REQ_HEAD
1:      ldw     a6, a4+RT_REQ_TAIL
        addi    a7, a5, 1
        andi    a7, a7, 255             # next head
        bne     a7, a6, 2f
        yield                           # ring full: let the host drain it
        j       1b
2:      slli    a6, a5, 4               # slot * 16
        add     a6, a6, a4
        li      a5, RT_REQ_RING
        add     a6, a6, a5
        stw     a6+0, a0
        stw     a6+4, a1
        stw     a6+8, a2
        stw     a6+12, a3
        stw     a4+RT_REQ_HEAD, a7
        li      a5, RT_RESP_HEAD
        add     a4, a4, a5              # a4 = &RESP_HEAD (RESP_TAIL at +4)
3:      yield
        ldw     a5, a4+0                # resp head
        ldw     a6, a4+4                # resp tail
        beq     a5, a6, 3b
        slli    a7, a6, 4
        add     a7, a7, a4
        li      a5, RT_RESP_RING - RT_RESP_HEAD
        add     a7, a7, a5
        ldw     t0, a7+4                # length
        ldw     rv, a7+12               # status
        addi    a6, a6, 1
        andi    a6, a6, 255
        stw     a4+4, a6
        ret
        .size __rt_request, . - __rt_request

# ---------------------------------------------------------------------------
# __rt_copy(a0 = dst, a1 = src, a2 = n): word loop when both are aligned.
# Clobbers a0..a3.
        .type __rt_copy, @function
__rt_copy:
        or      a3, a0, a1
        andi    a3, a3, 3
        bnez    a3, 2f
1:      sltiu   a3, a2, 4
        bnez    a3, 2f
        ldw     a3, a1+0
        stw     a0+0, a3
        addi    a0, a0, 4
        addi    a1, a1, 4
        addi    a2, a2, -4
        j       1b
2:      beqz    a2, 3f
        ldbu    a3, a1+0
        stb     a0+0, a3
        addi    a0, a0, 1
        addi    a1, a1, 1
        addi    a2, a2, -1
        j       2b
3:      ret
        .size __rt_copy, . - __rt_copy

# ---------------------------------------------------------------------------
# __rt_strlen(a0 = s) -> rv. Clobbers a1.
        .type __rt_strlen, @function
__rt_strlen:
        mv      rv, a0
1:      ldbu    a1, rv+0
        beqz    a1, 2f
        addi    rv, rv, 1
        j       1b
2:      sub     rv, rv, a0
        ret
        .size __rt_strlen, . - __rt_strlen

# ---------------------------------------------------------------------------
# __rt_fetch_args() -> rv = argc; fills __rt_argv (NULL-terminated) with
# pointers into __rt_argbuf. Arguments beyond the buffer are dropped.
        .type __rt_fetch_args, @function
__rt_fetch_args:
        addi    sp, sp, -16
        stw     sp+0, lr
        stw     sp+4, s0
        stw     sp+8, s1
        stw     sp+12, s2
        li      a0, RT_OP_ARGS_INFO
        li      a1, 16
        li      a2, 0
        li      a3, 0
        call    __rt_request
        li      s0, 0                   # argc
        bnez    rv, 9f
        la      a4, __mmio_base + RT_DATA
        ldw     s0, a4+0                # argc
        ldw     s1, a4+4                # total bytes
        li      a5, RT_ARGBUF_SIZE - 1
        bleu    s1, a5, 1f
        mv      s1, a5                  # keep what fits
1:      li      s2, 0                   # copied
2:      bgeu    s2, s1, 4f
        sub     a1, s1, s2              # chunk = min(total - copied, cap)
        li      a5, RT_DATA_CAP
        bleu    a1, a5, 3f
        mv      a1, a5
3:      li      a0, RT_OP_ARGS_DATA
        li      a2, 0
        mv      a3, s2
        call    __rt_request
        bnez    rv, 8f
        beqz    t0, 4f                  # host has no more
        la      a0, __rt_argbuf
        add     a0, a0, s2
        la      a1, __mmio_base + RT_DATA
        mv      a2, t0
        add     s2, s2, t0
        call    __rt_copy
        j       2b
8:      li      s0, 0
        j       9f
4:      # NUL-terminate, then split into argv
        la      a0, __rt_argbuf
        add     a1, a0, s2
        stb     a1+0, zero
        la      a2, __rt_argv
        li      a3, 0                   # i
        li      a5, RT_ARGV_MAX
5:      bgeu    a3, s0, 7f
        bgeu    a3, a5, 7f
        bgeu    a0, a1, 7f              # ran out of bytes
        slli    a4, a3, 2
        add     a4, a4, a2
        stw     a4+0, a0
        addi    a3, a3, 1
6:      ldbu    a4, a0+0                # skip past this string's NUL
        addi    a0, a0, 1
        bnez    a4, 6b
        j       5b
7:      mv      s0, a3
        slli    a4, a3, 2
        add     a4, a4, a2
        stw     a4+0, zero
9:      mv      rv, s0
        ldw     lr, sp+0
        ldw     s0, sp+4
        ldw     s1, sp+8
        ldw     s2, sp+12
        addi    sp, sp, 16
        ret
        .size __rt_fetch_args, . - __rt_fetch_args

# ---------------------------------------------------------------------------
# write(a0 = fd, a1 = buf, a2 = len) -> rv = bytes written, or -1
        .globl write
        .type write, @function
write:
        addi    sp, sp, -24
        stw     sp+0, lr
        stw     sp+4, s0
        stw     sp+8, s1
        stw     sp+12, s2
        stw     sp+16, s3
        stw     sp+20, s4
        mv      s0, a0                  # fd
        mv      s1, a1                  # buf
        mv      s2, a2                  # remaining
        li      s3, 0                   # total
1:      beqz    s2, 8f
        mv      s4, s2                  # chunk = min(remaining, cap)
        li      a5, RT_DATA_CAP
        bleu    s4, a5, 2f
        mv      s4, a5
2:      la      a0, __mmio_base + RT_DATA
        mv      a1, s1
        mv      a2, s4
        call    __rt_copy
        li      a0, RT_OP_WRITE
        mv      a1, s4
        li      a2, 0
        mv      a3, s0
        call    __rt_request
        li      a5, -1
        beq     rv, a5, 7f
        add     s3, s3, rv
        add     s1, s1, rv
        sub     s2, s2, rv
        bltu    rv, s4, 8f              # short write: stop
        j       1b
7:      bnez    s3, 8f
        li      s3, -1
8:      mv      rv, s3
        ldw     lr, sp+0
        ldw     s0, sp+4
        ldw     s1, sp+8
        ldw     s2, sp+12
        ldw     s3, sp+16
        ldw     s4, sp+20
        addi    sp, sp, 24
        ret
        .size write, . - write

# ---------------------------------------------------------------------------
# read(a0 = fd, a1 = buf, a2 = len) -> rv = bytes read, 0 at EOF, -1 error
        .globl read
        .type read, @function
read:
        addi    sp, sp, -16
        stw     sp+0, lr
        stw     sp+4, s0
        stw     sp+8, s1
        stw     sp+12, s2
        mv      s0, a0
        mv      s1, a1
        mv      s2, a2
        beqz    s2, 8f                  # rv = 0 below
        la      a4, __rt_no_direct
        ldw     a4, a4+0
        bnez    a4, 2f
        li      a0, RT_OP_READ_DIRECT
        mv      a1, s2
        mv      a2, s1                  # offset = guest address
        mv      a3, s0
        call    __rt_request
        li      a5, -1
        bne     rv, a5, 9f              # done (count or 0)
        la      a4, __rt_no_direct      # refused: READ from now on
        li      a5, 1
        stw     a4+0, a5
2:      li      a5, RT_DATA_CAP
        bleu    s2, a5, 3f
        mv      s2, a5
3:      li      a0, RT_OP_READ
        mv      a1, s2
        li      a2, 0
        mv      a3, s0
        call    __rt_request
        li      a5, -1
        beq     rv, a5, 9f
        mv      s2, rv                  # copy what arrived
        mv      a0, s1
        la      a1, __mmio_base + RT_DATA
        mv      a2, rv
        call    __rt_copy
        mv      rv, s2
        j       9f
8:      li      rv, 0
9:      ldw     lr, sp+0
        ldw     s0, sp+4
        ldw     s1, sp+8
        ldw     s2, sp+12
        addi    sp, sp, 16
        ret
        .size read, . - read

# ---------------------------------------------------------------------------
# open(a0 = path, a1 = flags) -> rv = fd or -1
        .globl open
        .type open, @function
open:
        addi    sp, sp, -16
        stw     sp+0, lr
        stw     sp+4, s0
        stw     sp+8, s1
        stw     sp+12, s2
        mv      s0, a0
        mv      s1, a1
        call    __rt_strlen
        addi    s2, rv, 1               # with the NUL
        li      a5, RT_DATA_CAP
        bleu    s2, a5, 1f
        li      rv, -1
        j       9f
1:      la      a0, __mmio_base + RT_DATA
        mv      a1, s0
        mv      a2, s2
        call    __rt_copy
        li      a0, RT_OP_OPEN
        mv      a1, s2
        li      a2, 0
        mv      a3, s1
        call    __rt_request
9:      ldw     lr, sp+0
        ldw     s0, sp+4
        ldw     s1, sp+8
        ldw     s2, sp+12
        addi    sp, sp, 16
        ret
        .size open, . - open

# ---------------------------------------------------------------------------
# close(a0 = fd) -> rv = 0 or -1
        .globl close
        .type close, @function
close:
        addi    sp, sp, -4
        stw     sp+0, lr
        mv      a3, a0
        li      a0, RT_OP_CLOSE
        li      a1, 0
        li      a2, 0
        call    __rt_request
        ldw     lr, sp+0
        addi    sp, sp, 4
        ret
        .size close, . - close

# ---------------------------------------------------------------------------
# print_str(a0 = s), eprint_str(a0 = s)
        .globl print_str
        .type print_str, @function
print_str:
        li      a1, 1
        j       __rt_fput_str
        .size print_str, . - print_str

        .globl eprint_str
        .type eprint_str, @function
eprint_str:
        li      a1, 2
        j       __rt_fput_str
        .size eprint_str, . - eprint_str

# __rt_fput_str(a0 = s, a1 = fd)
        .type __rt_fput_str, @function
__rt_fput_str:
        addi    sp, sp, -12
        stw     sp+0, lr
        stw     sp+4, s0
        stw     sp+8, s1
        mv      s0, a0
        mv      s1, a1
        call    __rt_strlen
        mv      a0, s1
        mv      a1, s0
        mv      a2, rv
        call    write
        ldw     lr, sp+0
        ldw     s0, sp+4
        ldw     s1, sp+8
        addi    sp, sp, 12
        ret
        .size __rt_fput_str, . - __rt_fput_str

# ---------------------------------------------------------------------------
# print_char(a0 = c)
        .globl print_char
        .type print_char, @function
print_char:
        addi    sp, sp, -8
        stw     sp+0, lr
        stb     sp+4, a0
        li      a0, 1
        addi    a1, sp, 4
        li      a2, 1
        call    write
        ldw     lr, sp+0
        addi    sp, sp, 8
        ret
        .size print_char, . - print_char

# ---------------------------------------------------------------------------
# print_hex(a0 = x): "0x%08x";  print_hex_digits(a0 = x): "%08x"
        .globl print_hex
        .type print_hex, @function
print_hex:
        li      a2, 1
        j       __rt_hex
        .size print_hex, . - print_hex

        .globl print_hex_digits
        .type print_hex_digits, @function
print_hex_digits:
        li      a2, 0
        j       __rt_hex
        .size print_hex_digits, . - print_hex_digits

# __rt_hex(a0 = x, a2 = with prefix): builds "0x" + 8 digits at sp+4..sp+13
        .type __rt_hex, @function
__rt_hex:
        addi    sp, sp, -16
        stw     sp+0, lr
        li      a3, '0'
        stb     sp+4, a3
        li      a3, 'x'
        stb     sp+5, a3
        addi    a4, sp, 13              # last digit
        li      a5, 8
        la      a6, __rt_hexdigits
1:      andi    a3, a0, 15
        add     a3, a3, a6
        ldbu    a3, a3+0
        stb     a4+0, a3
        srli    a0, a0, 4
        addi    a4, a4, -1
        addi    a5, a5, -1
        bnez    a5, 1b
        addi    a1, sp, 6               # digits only
        li      a3, 8
        beqz    a2, 2f
        addi    a1, sp, 4               # with "0x"
        li      a3, 10
2:      li      a0, 1
        mv      a2, a3
        call    write
        ldw     lr, sp+0
        addi    sp, sp, 16
        ret
        .size __rt_hex, . - __rt_hex

# ---------------------------------------------------------------------------
# print_dec(a0 = x): unsigned decimal. x / 10 = mulhu(x, 0xCCCCCCCD) >> 3
# (there is no unsigned divide instruction).
        .globl print_dec
        .type print_dec, @function
print_dec:
        addi    sp, sp, -16
        stw     sp+0, lr
        addi    a4, sp, 15              # digits are written backwards
        li      a5, 0xCCCCCCCD
        li      a6, 10
1:      mulhu   a1, a0, a5
        srli    a1, a1, 3               # q = x / 10
        mul     a2, a1, a6
        sub     a2, a0, a2              # x % 10
        addi    a2, a2, '0'
        stb     a4+0, a2
        addi    a4, a4, -1
        mv      a0, a1
        bnez    a0, 1b
        addi    a1, a4, 1
        addi    a2, sp, 16
        sub     a2, a2, a1
        li      a0, 1
        call    write
        ldw     lr, sp+0
        addi    sp, sp, 16
        ret
        .size print_dec, . - print_dec

# ---------------------------------------------------------------------------
# atoi(a0 = s) -> rv
        .globl atoi
        .type atoi, @function
atoi:
        li      rv, 0
        li      a2, 0                   # negative?
        li      a4, 10
        ldbu    a1, a0+0
        li      a3, '-'
        bne     a1, a3, 1f
        li      a2, 1
        addi    a0, a0, 1
1:      ldbu    a1, a0+0
        addi    a1, a1, -'0'
        sltiu   a3, a1, 10
        beqz    a3, 2f
        mul     rv, rv, a4
        add     rv, rv, a1
        addi    a0, a0, 1
        j       1b
2:      beqz    a2, 3f
        neg     rv, rv
3:      ret
        .size atoi, . - atoi

# ---------------------------------------------------------------------------
        .rodata
__rt_hexdigits:
        .ascii  "0123456789abcdef"

        .data
        .align  2
# 1 once the host has refused READ_DIRECT (tests start it at 1 to cover
# the READ + copy path).
__rt_no_direct:
        .word   0

        .bss
        .align  2
__rt_argv:
        .space  4 * (RT_ARGV_MAX + 1)
__rt_argbuf:
        .space  RT_ARGBUF_SIZE
