# Calls of small functions, which the AOT compiler lowers inside their
# caller (aot/src/inline.rs): a leaf called from three sites (its return
# must pick the right one each time), a small function that itself calls
# (its call stays a native call), one that returns past the instruction
# after its call (no return site matches: the return leaves the caller),
# and one that prints with DEBUG (leaves for the host in the middle of the
# inlined copy and resumes in the callee's own code). r20 checksums the
# values on every path; stdout shows the DEBUG bytes.
# run: reg r20 0xef67e6bb
# run: reg r21 3
# run: stdout "abc"
# run: exit 0
    .text
    .global _start
_start:
    li r20, 7                  # checksum
    li r21, 0                  # round
    li r22, 3                  # rounds
loop:
    bge r21, r22, done
    mv r3, r21
    call mix                   # site 1
    add r20, r20, r1
    addi r3, r21, 11
    call mix                   # site 2
    xor r20, r20, r1
    slli r3, r20, 3
    call mix                   # site 3
    sub r20, r20, r1
    mv r3, r20
    call twice                 # calls mix natively
    add r20, r20, r1
    call skip                  # returns to the instruction after next
    li r20, 0                  # skipped on every round
    addi r20, r20, 5
    addi r3, r21, 97
    call show                  # DEBUG inside the inlined copy
    xor r20, r20, r1
    addi r21, r21, 1
    j loop
done:
    li r1, 0
    halt

# r1 = mix(r3): a leaf.
mix:
    slli r1, r3, 5
    xor r1, r1, r3
    addi r1, r1, 0x2b
    srli r4, r1, 7
    xor r1, r1, r4
    ret

# r1 = mix(mix(r3)) + 1: calls, with its own frame.
twice:
    addi sp, sp, -4
    stw sp+0, lr
    call mix
    mv r3, r1
    call mix
    addi r1, r1, 1
    ldw lr, sp+0
    addi sp, sp, 4
    ret

# Returns one instruction past its return address.
skip:
    addi lr, lr, 4
    li r1, 99
    ret

# Writes r3's low byte with DEBUG; r1 = r3 * 3.
show:
    debug r3
    slli r1, r3, 1
    add r1, r1, r3
    ret
