/* Entry point and raw system calls for each ABI the helper is built for. No libc: the same
 * source builds for x86_64, i386, aarch64 and 32-bit arm with any cross compiler. */
#pragma once

#include <asm/unistd.h>

long start_c(long *stack);

#if defined(__x86_64__)
__asm__(".text\n.global _start\n_start:\n xor %rbp,%rbp\n mov %rsp,%rdi\n and $-16,%rsp\n call start_c\n hlt\n");
static inline long raw_syscall3(long n, long a, long b, long c) {
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return ret;
}
static inline long raw_syscall4(long n, long a, long b, long c, long d) {
  long ret;
  register long r10 __asm__("r10") = d;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
  return ret;
}
static inline long raw_syscall5(long n, long a, long b, long c, long d, long e) {
  long ret;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8) : "rcx", "r11", "memory");
  return ret;
}
#define HELPER_ABI "b64"
#elif defined(__i386__)
__asm__(".text\n.global _start\n_start:\n xor %ebp,%ebp\n mov %esp,%eax\n and $-16,%esp\n sub $12,%esp\n push %eax\n call start_c\n hlt\n");
static inline long raw_syscall3(long n, long a, long b, long c) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
  return ret;
}
static inline long raw_syscall4(long n, long a, long b, long c, long d) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d) : "memory");
  return ret;
}
static inline long raw_syscall5(long n, long a, long b, long c, long d, long e) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e) : "memory");
  return ret;
}
#define HELPER_ABI "b32"
#elif defined(__aarch64__)
__asm__(".text\n.global _start\n_start:\n mov x0, sp\n bl start_c\n brk #0\n");
static inline long raw_syscall3(long n, long a, long b, long c) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
}
static inline long raw_syscall4(long n, long a, long b, long c, long d) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
  return x0;
}
static inline long raw_syscall5(long n, long a, long b, long c, long d, long e) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
  return x0;
}
#define HELPER_ABI "b64"
#elif defined(__arm__)
__asm__(".text\n.global _start\n_start:\n mov r0, sp\n bl start_c\n udf #0\n");
static inline long raw_syscall3(long n, long a, long b, long c) {
  register long r7 __asm__("r7") = n;
  register long r0 __asm__("r0") = a;
  register long r1 __asm__("r1") = b;
  register long r2 __asm__("r2") = c;
  __asm__ volatile("svc 0" : "+r"(r0) : "r"(r7), "r"(r1), "r"(r2) : "memory");
  return r0;
}
static inline long raw_syscall4(long n, long a, long b, long c, long d) {
  register long r7 __asm__("r7") = n;
  register long r0 __asm__("r0") = a;
  register long r1 __asm__("r1") = b;
  register long r2 __asm__("r2") = c;
  register long r3 __asm__("r3") = d;
  __asm__ volatile("svc 0" : "+r"(r0) : "r"(r7), "r"(r1), "r"(r2), "r"(r3) : "memory");
  return r0;
}
static inline long raw_syscall5(long n, long a, long b, long c, long d, long e) {
  register long r7 __asm__("r7") = n;
  register long r0 __asm__("r0") = a;
  register long r1 __asm__("r1") = b;
  register long r2 __asm__("r2") = c;
  register long r3 __asm__("r3") = d;
  register long r4 __asm__("r4") = e;
  __asm__ volatile("svc 0" : "+r"(r0) : "r"(r7), "r"(r1), "r"(r2), "r"(r3), "r"(r4) : "memory");
  return r0;
}
#define HELPER_ABI "b32"
#else
#error "unsupported architecture"
#endif

/* 32-bit ABIs have 16-bit legacy id calls; the *32 variants take full ids. */
#ifdef __NR_setuid32
#define NR_SETRESUID __NR_setresuid32
#define NR_SETRESGID __NR_setresgid32
#define NR_SETGROUPS __NR_setgroups32
#define NR_GETUID __NR_getuid32
#define NR_GETEUID __NR_geteuid32
#define NR_GETGID __NR_getgid32
#else
#define NR_SETRESUID __NR_setresuid
#define NR_SETRESGID __NR_setresgid
#define NR_SETGROUPS __NR_setgroups
#define NR_GETUID __NR_getuid
#define NR_GETEUID __NR_geteuid
#define NR_GETGID __NR_getgid
#endif

/* The calls some ABIs lack (aarch64's b64 has only the *at forms): -1 where this one has none. */
#ifdef __NR_open
#define NR_OPEN __NR_open
#else
#define NR_OPEN -1
#endif
#ifdef __NR_creat
#define NR_CREAT __NR_creat
#else
#define NR_CREAT -1
#endif
#ifdef __NR_rename
#define NR_RENAME __NR_rename
#else
#define NR_RENAME -1
#endif
#ifdef __NR_renameat
#define NR_RENAMEAT __NR_renameat
#else
#define NR_RENAMEAT -1
#endif
#ifdef __NR_unlink
#define NR_UNLINK __NR_unlink
#else
#define NR_UNLINK -1
#endif
#ifdef __NR_rmdir
#define NR_RMDIR __NR_rmdir
#else
#define NR_RMDIR -1
#endif
#ifdef __NR_chown
#define NR_CHOWN __NR_chown
#else
#define NR_CHOWN -1
#endif
#ifdef __NR_lchown
#define NR_LCHOWN __NR_lchown
#else
#define NR_LCHOWN -1
#endif
#ifdef __NR_chmod
#define NR_CHMOD __NR_chmod
#else
#define NR_CHMOD -1
#endif
