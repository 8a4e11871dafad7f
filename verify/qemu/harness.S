# Bare-metal RISC-V harness for the QEMU cross-check (README.md: "The reference checked
# against QEMU").
# Runs in M-mode on `qemu-system-riscv64 -machine virt -bios none`. The host loads a
# request list at 0x80100000 (layout.h: a header, then 5 words per request) and the
# page tables (twice: the live tables and a pristine
# copy the harness diffs them against) before it starts. For each request it sets satp,
# SFENCE.VMAs (so QEMU's own TLB never answers), and performs one 8-byte access:
# loads and stores through mstatus.MPRV with MPP = U or S (§3.1.6.3), fetches by an
# MRET into U or S at the VA. Every 8-byte word of the data arena holds
# (its PA << 32) | ecall, so a load returns the PA it reached, a fetch that translates
# traps back with an ecall, and a store's PA is found by diffing the arena.
# Output on the UART, one line each, all numbers 16 hex digits:
#   T <mcause or all ones if no trap> <loaded value> <mtval>
#   S <pa> <value>     an arena word the request changed (the harness restores it)
#   P <pa> <value>     a page-table word the request changed (A/D updates)
#   E                  the end; then the harness stops QEMU through the test device
        .equ REQUESTS,  0x80100000
        .equ UART,      0x10000000
        .equ FINISHER,  0x100000
        .equ MPRV,      1 << 17
        .equ SUM,       1 << 18
        .equ MXR,       1 << 19
        .equ MPP_S,     1 << 11
        .equ MPP_MASK,  3 << 11
        .equ ECALL,     0x73

        # Writes the byte in \reg to the UART once its transmit register is empty.
        .macro putc reg
.Lbusy\@: lbu a4, 5(a3)
        andi a4, a4, 0x20
        beqz a4, .Lbusy\@
        sb \reg, 0(a3)
        .endm
        .macro putimm c
        li a0, \c
        putc a0
        .endm

        .section .text.init
        .globl _start
_start:
        la t0, trap
        csrw mtvec, t0
        # One PMP entry granting everything: with none, S and U may touch nothing (§3.7.1).
        li t0, -1
        csrw pmpaddr0, t0
        li t0, 0x1f                     # NAPOT, R, W, X
        csrw pmpcfg0, t0
        li a3, UART
        li s0, REQUESTS
        ld s1, 8(s0)                    # how many requests
        ld s8, 16(s0)                   # the arena's base
        ld s9, 24(s0)                   # and size in bytes
        ld s10, 32(s0)                  # pristine copy = table + s10
        addi s2, s0, 64                 # the first request
        mv t0, s8
        add t1, s8, s9
fill:   slli t2, t0, 32
        ori t2, t2, ECALL
        sd t2, 0(t0)
        addi t0, t0, 8
        bltu t0, t1, fill

next:   beqz s1, done
        ld t0, 0(s2)                    # satp
        csrw satp, t0
        sfence.vma
        ld s3, 8(s2)                    # va
        ld s4, 16(s2)                   # flags: kind (0 r, 1 w, 2 x) | S << 2 | SUM << 3 | MXR << 4
        li t0, MPP_MASK | MPRV | SUM | MXR
        csrc mstatus, t0
        andi t0, s4, 4
        beqz t0, 2f
        li t1, MPP_S
        csrs mstatus, t1
2:      andi t0, s4, 8
        beqz t0, 3f
        li t1, SUM
        csrs mstatus, t1
3:      andi t0, s4, 16
        beqz t0, 4f
        li t1, MXR
        csrs mstatus, t1
4:      li s5, -1                       # mcause: none yet
        li s6, 0
        li s7, 0
        la t0, resume
        csrw mscratch, t0
        andi t0, s4, 3
        li t1, 1
        beq t0, t1, store
        li t1, 2
        beq t0, t1, fetch
        li t1, MPRV
        csrs mstatus, t1
        ld s6, 0(s3)
        csrc mstatus, t1
        j resume
store:  ld t2, 40(s0)                   # the value stores write
        li t1, MPRV
        csrs mstatus, t1
        sd t2, 0(s3)
        csrc mstatus, t1
        j resume
fetch:  csrw mepc, s3
        mret

        # Every trap: note the cause and tval, drop MPRV, continue at mscratch.
        .align 2
trap:   csrr s5, mcause
        csrr s7, mtval
        li t1, MPRV
        csrc mstatus, t1
        csrr t0, mscratch
        jr t0

resume: putimm 'T'
        mv a0, s5
        jal ra, print_hex
        mv a0, s6
        jal ra, print_hex
        mv a0, s7
        jal ra, print_hex
        putimm '\n'
        andi t0, s4, 3
        li t1, 1
        bne t0, t1, tables
        mv a6, s8
        add a7, s8, s9
arena:  ld t3, 0(a6)
        slli t4, a6, 32
        ori t4, t4, ECALL
        beq t3, t4, 6f
        sd t4, 0(a6)
        putimm 'S'
        mv a0, a6
        jal ra, print_hex
        mv a0, t3
        jal ra, print_hex
        putimm '\n'
6:      addi a6, a6, 8
        bltu a6, a7, arena
tables: ld a6, 24(s2)
        ld a7, 32(s2)
7:      bgeu a6, a7, 9f
        ld t3, 0(a6)
        add t5, a6, s10
        ld t4, 0(t5)
        beq t3, t4, 8f
        sd t3, 0(t5)
        putimm 'P'
        mv a0, a6
        jal ra, print_hex
        mv a0, t3
        jal ra, print_hex
        putimm '\n'
8:      addi a6, a6, 8
        j 7b
9:      addi s2, s2, 40
        addi s1, s1, -1
        j next

done:   putimm 'E'
        putimm '\n'
        li t0, FINISHER
        li t1, 0x5555                   # sifive_test: pass, QEMU exits 0
        sw t1, 0(t0)
        j .

        # Prints " " and a0 as 16 hex digits; uses a0-a2, a4, a5.
print_hex:
        li a5, ' '
        putc a5
        li a1, 60
1:      srl a2, a0, a1
        andi a2, a2, 0xf
        addi a2, a2, '0'
        li a5, '9'
        ble a2, a5, 2f
        addi a2, a2, 'a' - '9' - 1
2:      putc a2
        addi a1, a1, -4
        bgez a1, 1b
        ret
