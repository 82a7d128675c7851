/* auditvm module helper: performs exactly one module system call as a chosen auid/uid/gid and
 * prints its result as one JSON line. Runs inside the guests, statically, without libc.
 *
 *   modhelper [--auid N|unset] [--uid N] [--gid N] (--finit PATH | --init PATH | --delete NAME)
 *
 * Exit 0: the call was made (whatever it returned); 2: usage; 3: setting up the identity failed. */
#include "arch.h"

#define AT_FDCWD -100
#define O_RDONLY 0
#define O_WRONLY 1
#define O_NONBLOCK 04000
#define UNSET_ID 4294967295UL

static char module_image[8 << 20]; /* init_module needs the image in memory; .bss costs no file space */
static char out[512];
static unsigned long out_len;

static unsigned long str_len(const char *s) { unsigned long n = 0; while (s[n]) n++; return n; }
static int str_eq(const char *a, const char *b) { while (*a && *a == *b) { a++; b++; } return *a == *b; }

static void put(const char *s) { while (*s && out_len < sizeof out - 1) out[out_len++] = *s++; }
static void put_unum(unsigned long u) {
  char digits[24];
  int n = 0;
  do { digits[n++] = '0' + u % 10; u /= 10; } while (u);
  while (n) { char c[2] = {digits[--n], 0}; put(c); }
}
static void put_num(long v) {
  if (v < 0) put("-");
  put_unum(v < 0 ? -(unsigned long)v : (unsigned long)v);
}
static void flush(void) { out[out_len++] = '\n'; raw_syscall3(__NR_write, 1, (long)out, out_len); out_len = 0; }
static void leave(int code) { for (;;) raw_syscall3(__NR_exit_group, code, 0, 0); }

static int parse_num(const char *s, unsigned long *value) {
  unsigned long v = 0;
  if (!*s) return 0;
  for (; *s; s++) { if (*s < '0' || *s > '9') return 0; v = v * 10 + (*s - '0'); }
  *value = v;
  return 1;
}

static const char *errno_name(long e) {
  switch (e) {
    case 0: return "";
    case 1: return "EPERM"; case 2: return "ENOENT"; case 8: return "ENOEXEC"; case 9: return "EBADF";
    case 11: return "EAGAIN"; case 12: return "ENOMEM"; case 13: return "EACCES"; case 14: return "EFAULT";
    case 16: return "EBUSY"; case 17: return "EEXIST"; case 22: return "EINVAL"; case 38: return "ENOSYS";
    default: return "EUNKNOWN";
  }
}

/* Reads a small /proc file as an unsigned number (loginuid, sessionid); UNSET_ID if unreadable. */
static unsigned long read_proc_number(const char *path) {
  char buf[32];
  long fd = raw_syscall3(__NR_openat, AT_FDCWD, (long)path, O_RDONLY);
  if (fd < 0) return UNSET_ID;
  long n = raw_syscall3(__NR_read, fd, (long)buf, sizeof buf - 1);
  raw_syscall3(__NR_close, fd, 0, 0);
  if (n <= 0) return UNSET_ID;
  buf[n] = 0;
  unsigned long v = 0;
  for (char *p = buf; *p >= '0' && *p <= '9'; p++) v = v * 10 + (*p - '0');
  return v;
}

static void setup_failed(const char *step, long ret) {
  put("{\"abi\":\"" HELPER_ABI "\",\"setup_failed\":\""); put(step); put("\",\"errno\":"); put_num(-ret);
  put(",\"error\":\""); put(errno_name(-ret)); put("\"}");
  flush();
  leave(3);
}

static void usage(const char *why) {
  put("{\"abi\":\"" HELPER_ABI "\",\"usage\":\""); put(why); put("\"}");
  flush();
  leave(2);
}

long start_c(long *stack) {
  int argc = (int)stack[0];
  char **argv = (char **)(stack + 1);
  const char *auid = 0, *op = 0, *target = 0;
  unsigned long uid = UNSET_ID, gid = UNSET_ID;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (i + 1 >= argc) usage("option needs a value");
    if (str_eq(a, "--auid")) auid = argv[++i];
    else if (str_eq(a, "--uid")) { if (!parse_num(argv[++i], &uid)) usage("bad --uid"); }
    else if (str_eq(a, "--gid")) { if (!parse_num(argv[++i], &gid)) usage("bad --gid"); }
    else if (str_eq(a, "--finit") || str_eq(a, "--init") || str_eq(a, "--delete")) { op = a + 2; target = argv[++i]; }
    else usage("unknown option");
  }
  if (!op) usage("one of --finit, --init, --delete is required");

  /* The auid must be written while still root; each write starts a new session. */
  if (auid && !str_eq(auid, "unset")) {
    long fd = raw_syscall3(__NR_openat, AT_FDCWD, (long)"/proc/self/loginuid", O_WRONLY);
    if (fd < 0) setup_failed("open loginuid", fd);
    long w = raw_syscall3(__NR_write, fd, (long)auid, str_len(auid));
    raw_syscall3(__NR_close, fd, 0, 0);
    if (w < 0) setup_failed("write loginuid", w);
  } else if (auid && read_proc_number("/proc/self/loginuid") != UNSET_ID) {
    setup_failed("auid is not unset", -1);
  }
  long r;
  if (gid != UNSET_ID) {
    if ((r = raw_syscall3(NR_SETGROUPS, 0, 0, 0)) < 0) setup_failed("setgroups", r);
    if ((r = raw_syscall3(NR_SETGID, gid, 0, 0)) < 0) setup_failed("setgid", r);
  }
  if (uid != UNSET_ID && (r = raw_syscall3(NR_SETUID, uid, 0, 0)) < 0) setup_failed("setuid", r);

  const char *name;
  long ret;
  if (str_eq(op, "delete")) {
    name = "delete_module";
    ret = raw_syscall3(__NR_delete_module, (long)target, O_NONBLOCK, 0);
  } else {
    long fd = raw_syscall3(__NR_openat, AT_FDCWD, (long)target, O_RDONLY);
    if (fd < 0) setup_failed("open module", fd);
    if (str_eq(op, "finit")) {
      name = "finit_module";
      ret = raw_syscall3(__NR_finit_module, fd, (long)"", 0);
    } else {
      name = "init_module";
      unsigned long len = 0;
      for (;;) {
        long n = raw_syscall3(__NR_read, fd, (long)(module_image + len), sizeof module_image - len);
        if (n < 0) setup_failed("read module", n);
        if (n == 0) break;
        len += n;
        if (len == sizeof module_image) setup_failed("module too large", -27);
      }
      ret = raw_syscall3(__NR_init_module, (long)module_image, len, (long)"");
    }
    raw_syscall3(__NR_close, fd, 0, 0);
  }
  long pid = raw_syscall3(__NR_getpid, 0, 0, 0);
  put("{\"syscall\":\""); put(name); put("\",\"abi\":\"" HELPER_ABI "\",\"pid\":"); put_num(pid);
  put(",\"ses\":"); put_unum(read_proc_number("/proc/self/sessionid"));
  put(",\"auid\":"); put_unum(read_proc_number("/proc/self/loginuid"));
  put(",\"uid\":"); put_unum((unsigned long)raw_syscall3(NR_GETUID, 0, 0, 0));
  put(",\"gid\":"); put_unum((unsigned long)raw_syscall3(NR_GETGID, 0, 0, 0));
  put(",\"ret\":"); put_num(ret < 0 ? -1 : ret);
  put(",\"errno\":"); put_num(ret < 0 ? -ret : 0);
  put(",\"error\":\""); put(errno_name(ret < 0 ? -ret : 0)); put("\"}");
  flush();
  leave(0);
  return 0;
}
