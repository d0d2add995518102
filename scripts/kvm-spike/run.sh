#!/usr/bin/env bash
# The KVM spike's measurements (see README.md): builds kvm-run and a few
# tiny guests into a temporary directory and prints what each costs here.
# Needs /dev/kvm (root). Not part of dsu, of the tests or of CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
gcc -O2 -Wall -o kvm-run "$here/kvm-run.c"

secs() { # run a command, print its wall time in seconds (3 decimals)
  local t0 t1
  t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
  echo "scale=3; ($t1 - $t0) / 1000000000" | bc
}

# 1. A register-only loop, N iterations of 3 instructions, as 64-bit code
#    (native and --raw64) and as i386 code (native and in compatibility mode).
loop64() { printf '.code64\n mov $%s,%%ecx\n1: add $3,%%edx\n dec %%ecx\n jnz 1b\n mov $1,%%eax\n xor %%ebx,%%ebx\n int $0x80\n' "$1"; }
native64() { printf '.globl _start\n_start:\n mov $%s,%%ecx\n1: add $3,%%edx\n dec %%ecx\n jnz 1b\n mov $60,%%eax\n xor %%edi,%%edi\n syscall\n' "$1"; }
i386loop() { printf '.globl _start\n_start:\n mov $%s,%%ecx\n1: add $3,%%edx\n dec %%ecx\n jnz 1b\n mov $1,%%eax\n xor %%ebx,%%ebx\n int $0x80\n' "$1"; }
loop64 100000000 | as --64 -o l64.o - && objcopy -O binary l64.o l64.bin
native64 100000000 | as --64 -o n64.o - && ld -o n64 n64.o
i386loop 100000 | as --32 -o c32.o - && ld -m elf_i386 -o c32 c32.o
i386loop 100000 > /dev/null
echo "guest code, 3-instruction loop:"
echo "  64-bit, 1e8 iterations: native $(secs ./n64) s, KVM $(secs ./kvm-run --raw64 l64.bin) s"
echo "  i386, 1e5 iterations: native $(secs ./c32) s, KVM (compatibility mode) $(secs ./kvm-run ./c32) s"

# 2. A system call round trip: 1e5 x int 0x80 (getppid) from 64-bit guest code.
printf '.code64\n mov $100000,%%ecx\n1: mov $64,%%eax\n int $0x80\n dec %%ecx\n jnz 1b\n mov $1,%%eax\n xor %%ebx,%%ebx\n int $0x80\n' |
  as --64 -o s64.o - && objcopy -O binary s64.o s64.bin
t=$(secs ./kvm-run --raw64 s64.bin)
echo "system calls: 1e5 round trips in $t s = $(echo "scale=1; $t * 10" | bc) us each"

# 3. A real static i386 program (SSE in glibc's string functions).
prog="$repo/c-samples/build/bench/compute.static"
if [ -x "$prog" ]; then
  echo "compute.static 1 round under KVM: $(./kvm-run "$prog" 1 2>&1 | tail -1)"
fi
