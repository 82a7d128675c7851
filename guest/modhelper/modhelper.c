/* auditvm module helper and guest runner: makes module system calls as chosen callers and prints
 * each call's result as one JSON line. Runs inside the guests, statically, without libc.
 *
 * One call, made by this process itself:
 *   modhelper [--auid N|unset] [--uid N] [--gid N] (--finit PATH | --init PATH | --delete NAME)
 * A batch of calls (a whole cell in one guest round trip):
 *   modhelper --batch FILE --module PATH --name NAME --as TAG [--runner TAG=PATH]...
 * (internal) the process a batch starts for the calls of another executable (--runner):
 *   modhelper --serve --module PATH --name NAME     (reads one call line at a time on fd 0, answers "\n")
 *
 * A batch file holds one call a line ('#' starts a comment line; blank lines are skipped), eleven
 * fields separated by spaces or tabs:
 *   ID RUNNER SYSCALL LOGIN AUID UID EUID GID BEFORE CAPABILITY ARGUMENT
 *   ID          decimal, echoed in the call's result
 *   RUNNER      which executable makes the call: this one (the --as TAG) or a --runner TAG (the
 *               other ABI, a copy of a helper at another path); each is one process per batch
 *   SYSCALL     init_module | finit_module | delete_module, or a file call a STIG rule names:
 *               open creat truncate ftruncate openat open_by_handle_at mount rename unlink rmdir
 *               renameat unlinkat chown fchown fchownat lchown chmod fchmod fchmodat setxattr
 *               lsetxattr fsetxattr removexattr lremovexattr fremovexattr (where the ABI has it), execve
 *   LOGIN       inherited: a child sets the login uid and ids, then forks the caller (every command
 *               of a logged-in user, as a login shell runs them); self: a child sets them and calls
 *               itself (a login daemon's session process). Either way the caller process stays for
 *               every call of the same identity in the batch (see sessions), so each identity
 *               logs in once
 *   AUID        decimal login uid, or unset (left as the runner's, which must be unset)
 *   UID EUID GID  setgroups(0), setresgid(GID,GID,GID), setresuid(UID,EUID,EUID)
 *   BEFORE      as_is | loaded | unloaded: the runner (root, login uid unset) puts the module there first
 *               (file calls: as_is; the runner makes the fixtures afresh before each, see prepare_fixtures,
 *               unless they are as made for this caller's ids and no call since could have changed them)
 *   CAPABILITY  natural (what the ids give) | keep (the effective set is exactly CAP_SYS_MODULE,
 *               CAP_SYS_ADMIN and CAP_DAC_READ_SEARCH, whatever the euid: no CAP_DAC_OVERRIDE,
 *               CAP_FOWNER, CAP_CHOWN) | drop (no effective capability, even for root)
 *   ARGUMENT    module calls: valid | bad_fd (finit_module on fd -1) | bad_flags (finit_module with
 *               an unknown flag) | bad_pointer (init_module/delete_module on an unmapped address) |
 *               not_elf (init_module on 8 bytes that are no ELF image)
 *               file calls: valid (a fixture the call succeeds on) | denied (a path under a directory
 *               the caller cannot search; fd and handle calls: a file it cannot write) | not_owner
 *               (another user's file, in a sticky directory for the name calls) | append_only (a
 *               file with the append-only flag) | noatime (open/openat with O_NOATIME on another's file)
 *               path witnesses (the STIG's watch and path rules): an absolute path, for openat (opened
 *               for writing, nothing written), fchmodat (its own mode) and execve (run, output
 *               discarded; the line's pid is the process that exec'd), see path_access
 * Calls run in file order, one after the other, whichever runner makes them. Each prints one line:
 *   {"id":N,"syscall":..,"abi":..,"pid":..,"comm":"call-N","ses":..,"auid":..,"uid":..,"euid":..,"gid":..,
 *    "cap_sys_module":true|false,"exe":"..","ret":..,"errno":..,"error":".."}
 * (ids as the caller saw them; comm: the mark in the call's records, see mark_call, absent for a
 * single call and for execve, whose pid is the child's), or when a step before the call failed
 *   {"id":N,"abi":..,"setup_failed":"STEP","errno":..,"error":".."}
 *
 * Exit 0: every call was made or reported; 2: usage or a bad batch file (no call was made);
 * 3: setting up the single call failed. */
#include "arch.h"

#define AT_FDCWD -100
#define O_RDONLY 0
#define O_WRONLY 1
#define O_NONBLOCK 04000
#define O_CLOEXEC 02000000
#define SIGCHLD 17
#define AF_UNIX 1
#define SOCK_STREAM 1
#define UNSET_ID 4294967295UL
#define CAP_DAC_READ_SEARCH 2
#define CAP_SYS_MODULE 16
#define CAP_SYS_ADMIN 21
#define PR_SET_KEEPCAPS 8
#define CAPABILITY_VERSION_3 0x20080522
#define BAD_ADDRESS 16      /* below every mmap_min_addr: never mapped */
#define BAD_FINIT_FLAGS 0x100 /* no MODULE_INIT_* flag */
#define MAX_RUNNERS 8
enum { CALL_UNANSWERED, CALL_REFUSED, CALL_SUCCEEDED };  /* a caller's answer for a call */

/* Without libc: the compiler may still emit calls to these for initialisers (volatile keeps the
 * loops from being turned back into such calls). */
void *memset(void *dest, int c, __SIZE_TYPE__ n) { volatile char *d = dest; while (n--) *d++ = (char)c; return dest; }
void *memcpy(void *dest, const void *src, __SIZE_TYPE__ n) { volatile char *d = dest; const char *s = src; while (n--) *d++ = *s++; return dest; }

static char module_image[8 << 20]; /* init_module needs the image in memory; .bss costs no file space */
static unsigned long module_len;
static long module_fd = -1;        /* opened once: every finit_module caller inherits it */
static long module_error;          /* why the module could not be opened or read (negative errno) */
static const char *module_path, *module_name;
static char batch[4 << 20];
static char out[1024];
static unsigned long out_len;

static unsigned long str_len(const char *s) { unsigned long n = 0; while (s[n]) n++; return n; }
static int str_eq(const char *a, const char *b) { while (*a && *a == *b) { a++; b++; } return *a == *b; }

static void put(const char *s) { while (*s && out_len < sizeof out - 2) out[out_len++] = *s++; }
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
static void put_string(const char *s) { /* a JSON string of plain bytes */
  put("\"");
  for (; *s; s++) {
    char c[3] = {'\\', *s, 0};
    if (*s == '"' || *s == '\\') put(c);
    else if ((unsigned char)*s < 0x20) put("?");
    else put(c + 1);
  }
  put("\"");
}
static void flush(void) { out[out_len++] = '\n'; raw_syscall3(__NR_write, 1, (long)out, out_len); out_len = 0; }
static void leave(int code) { for (;;) raw_syscall3(__NR_exit_group, code, 0, 0); }

/* A decimal below 2^32 - 1 (which the id calls read as "leave unchanged"). */
static int parse_num(const char *s, unsigned long *value) {
  unsigned long v = 0;
  if (!*s) return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return 0;
    unsigned long d = (unsigned long)(*s - '0');
    if (v > (UNSET_ID - 1 - d) / 10) return 0;
    v = v * 10 + d;
  }
  *value = v;
  return 1;
}

static const char *errno_name(long e) {
  switch (e) {
    case 0: return "";
    case 1: return "EPERM"; case 2: return "ENOENT"; case 3: return "ESRCH"; case 4: return "EINTR";
    case 7: return "E2BIG"; case 8: return "ENOEXEC"; case 9: return "EBADF"; case 10: return "ECHILD";
    case 11: return "EAGAIN"; case 12: return "ENOMEM"; case 13: return "EACCES"; case 14: return "EFAULT";
    case 16: return "EBUSY"; case 17: return "EEXIST"; case 22: return "EINVAL"; case 26: return "ETXTBSY";
    case 38: return "ENOSYS"; case 95: return "EOPNOTSUPP";
    default: return "EUNKNOWN";
  }
}

/* Reads a small /proc file as an unsigned number (loginuid, sessionid); UNSET_ID if unreadable.
 * The descriptor stays open until the process ends: a call's own open then gets another number
 * than these, and the harness tells its record from theirs by the exit value. */
static unsigned long read_proc_number(const char *path) {
  char buf[32];
  long fd = raw_syscall3(__NR_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return UNSET_ID;
  long n = raw_syscall3(__NR_read, fd, (long)buf, sizeof buf - 1);
  if (n <= 0) return UNSET_ID;
  buf[n] = 0;
  unsigned long v = 0;
  for (char *p = buf; *p >= '0' && *p <= '9'; p++) v = v * 10 + (*p - '0');
  return v;
}

static void usage(const char *why, const char *detail) {
  put("{\"abi\":\"" HELPER_ABI "\",\"usage\":"); put_string(why);
  if (detail) { put(",\"detail\":"); put_string(detail); }
  put("}");
  flush();
  leave(2);
}

/* ---- one call ---- */

enum { SYS_INIT, SYS_FINIT, SYS_DELETE,
       SYS_OPEN, SYS_CREAT, SYS_TRUNCATE, SYS_FTRUNCATE, SYS_OPENAT, SYS_OPEN_BY_HANDLE_AT, SYS_MOUNT,
       SYS_RENAME, SYS_UNLINK, SYS_RMDIR, SYS_RENAMEAT, SYS_UNLINKAT,
       SYS_CHOWN, SYS_FCHOWN, SYS_FCHOWNAT, SYS_LCHOWN, SYS_CHMOD, SYS_FCHMOD, SYS_FCHMODAT,
       SYS_SETXATTR, SYS_LSETXATTR, SYS_FSETXATTR, SYS_REMOVEXATTR, SYS_LREMOVEXATTR, SYS_FREMOVEXATTR, SYS_EXECVE };
static const char *const syscall_names[] = {"init_module", "finit_module", "delete_module",
  "open", "creat", "truncate", "ftruncate", "openat", "open_by_handle_at", "mount",
  "rename", "unlink", "rmdir", "renameat", "unlinkat",
  "chown", "fchown", "fchownat", "lchown", "chmod", "fchmod", "fchmodat",
  "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr", "execve", 0};
#define FIRST_FILE_CALL SYS_OPEN
enum { AUID_LEAVE, AUID_UNSET, AUID_SET };
enum { BEFORE_AS_IS, BEFORE_LOADED, BEFORE_UNLOADED };
enum { CAP_NATURAL, CAP_KEEP, CAP_DROP };
enum { ARG_VALID, ARG_BAD_FD, ARG_BAD_FLAGS, ARG_BAD_POINTER, ARG_NOT_ELF, ARG_DENIED, ARG_NOT_OWNER, ARG_APPEND_ONLY, ARG_NOATIME, ARG_PATH };

#define CALL_FIELDS 11
struct call {
  char *field[CALL_FIELDS];  /* the batch line's words, sent on as they are to another runner */
  unsigned long id, auid, uid, euid, gid;
  int ids;                   /* 0: leave the ids as they are (a single call without --uid/--gid) */
  int auid_mode, syscall, login_self, before, cap, arg;
};

static const char *syscall_name(int s) { return syscall_names[s]; }

static void setup_line(const struct call *c, const char *step, long ret) {
  put("{\"id\":"); put_unum(c->id); put(",\"abi\":\"" HELPER_ABI "\",\"setup_failed\":"); put_string(step);
  put(",\"errno\":"); put_num(-ret); put(",\"error\":\""); put(errno_name(-ret)); put("\"}");
  flush();
}
static void setup_failed(const struct call *c, const char *step, long ret) {
  setup_line(c, step, ret);
  leave(3);
}

struct cap_header { unsigned int version; int pid; };
struct cap_data { unsigned int effective, permitted, inheritable; };

static long get_caps(struct cap_data data[2]) {
  struct cap_header h = {CAPABILITY_VERSION_3, 0};
  return raw_syscall3(__NR_capget, (long)&h, (long)data, 0);
}
/* keep: exactly the capabilities a call needs to succeed whatever its ids (module calls, mount and
 * trusted.* xattrs, open_by_handle_at), none that would bypass file permissions or ownership;
 * drop: none at all. Every one of them is in the permitted set (root's, kept by PR_SET_KEEPCAPS). */
static long set_effective(int keep) {
  struct cap_data data[2];
  long r = get_caps(data);
  if (r < 0) return r;
  data[0].effective = keep ? (1u << CAP_SYS_MODULE | 1u << CAP_SYS_ADMIN | 1u << CAP_DAC_READ_SEARCH) : 0;
  data[1].effective = 0;
  struct cap_header h = {CAPABILITY_VERSION_3, 0};
  return raw_syscall3(__NR_capset, (long)&h, (long)data, 0);
}

/* The caller's identity, in the order a login does it: login uid (while root), groups, gid, uid. */
static void become_caller(const struct call *c) {
  long r;
  if (c->auid_mode == AUID_SET) {
    char digits[16];
    int n = 0;
    unsigned long u = c->auid;
    do { digits[15 - n++] = '0' + u % 10; u /= 10; } while (u);
    long fd = raw_syscall3(__NR_openat, AT_FDCWD, (long)"/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
    if (fd < 0) setup_failed(c, "open loginuid", fd);
    long w = raw_syscall3(__NR_write, fd, (long)(digits + 16 - n), n); /* left open: see read_proc_number */
    if (w < 0) setup_failed(c, "write loginuid", w);
  } else if (c->auid_mode == AUID_UNSET && read_proc_number("/proc/self/loginuid") != UNSET_ID) {
    setup_failed(c, "auid is not unset", -1);
  }
  if (c->ids) {
    if ((r = raw_syscall3(NR_SETGROUPS, 0, 0, 0)) < 0) setup_failed(c, "setgroups", r);
    if ((r = raw_syscall3(NR_SETRESGID, c->gid, c->gid, c->gid)) < 0) setup_failed(c, "setresgid", r);
    /* Keeps the permitted set when every uid leaves 0; the effective set is raised again below. */
    if (c->cap == CAP_KEEP && (r = raw_syscall3(__NR_prctl, PR_SET_KEEPCAPS, 1, 0)) < 0) setup_failed(c, "prctl keepcaps", r);
    if ((r = raw_syscall3(NR_SETRESUID, c->uid, c->euid, c->euid)) < 0) setup_failed(c, "setresuid", r);
  }
  if (c->cap == CAP_KEEP && (r = set_effective(1)) < 0) setup_failed(c, "capset keep", r);
  if (c->cap == CAP_DROP && (r = set_effective(0)) < 0) setup_failed(c, "capset drop", r);
}

/* ---- file calls: fixtures the runner makes afresh before each one, and the call itself ---- */

/* Every fixture is under FX, made by the runner (root) for the call's caller: its failures then
 * arise as they do for users, from ownership and modes, the caller holding no capability (drop).
 *   f  0666, another user's (the "stranger"), with trusted.auditvm set   o  0644, the caller's own
 *   r  0444, the stranger's            a  0666, the stranger's, append-only (FS_APPEND_FL)
 *   d  an empty directory (rmdir)      m  an empty directory (mount point)
 *   l/ 0700, the stranger's, holding l/f: the caller cannot search it (EACCES)
 *   t/ 01777, the stranger's, holding t/f and t/d, the stranger's: sticky (EPERM for name calls)
 * FX itself is 0777 and not sticky: the caller may create, rename and remove in it. */
#define FX "/run/auditvm/fx"
#define O_CREAT 0100
#define O_EXCL 0200
#define O_RDWR 2
#define O_APPEND 02000
#if defined(__aarch64__) || defined(__arm__)
#define O_DIRECTORY 040000
#define O_NOATIME 01000000
#else
#define O_DIRECTORY 0200000
#define O_NOATIME 01000000
#endif
#define AT_REMOVEDIR 0x200
#define MNT_DETACH 2
#define FS_APPEND_FL 0x20
#define FS_IOC_SETFLAGS (0x40006602UL | (unsigned long)sizeof(long) << 16) /* _IOW('f', 2, long) */
#define STRANGER 4242UL

static unsigned long stranger_of(const struct call *c) { return c->euid == STRANGER ? STRANGER + 1 : STRANGER; }

static void fixture_file(const char *path, long mode, unsigned long uid, unsigned long gid) {
  long fd = raw_syscall4(__NR_openat, AT_FDCWD, (long)path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd >= 0) raw_syscall3(__NR_close, fd, 0, 0);
  raw_syscall5(__NR_fchownat, AT_FDCWD, (long)path, uid, gid, 0);
  raw_syscall3(__NR_fchmodat, AT_FDCWD, (long)path, mode);
}
static void fixture_dir(const char *path, long mode, unsigned long uid, unsigned long gid) {
  raw_syscall3(__NR_mkdirat, AT_FDCWD, (long)path, 0700);
  raw_syscall5(__NR_fchownat, AT_FDCWD, (long)path, uid, gid, 0);
  raw_syscall3(__NR_fchmodat, AT_FDCWD, (long)path, mode);
}
static void set_flags(const char *path, int flags) {
  long fd = raw_syscall3(__NR_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  raw_syscall3(__NR_ioctl, fd, FS_IOC_SETFLAGS, (long)&flags);
  raw_syscall3(__NR_close, fd, 0, 0);
}

/* Removes every fixture (and what a call may have left: a mount, a renamed file); errors are
 * ignored, since any of them may be missing. Also what the end of a batch does. */
#define FX_PRISTINE FX "/.pristine" /* "STRANGER EUID GID" while the fixtures are as made for those ids */
static void remove_fixtures(void) {
  static const char *const files[] = {FX_PRISTINE, FX "/f", FX "/g", FX "/o", FX "/r", FX "/a", FX "/l/f", FX "/l/g", FX "/t/f", FX "/t/g", 0};
  static const char *const dirs[] = {FX "/t/d", FX "/d", FX "/m", FX "/l", FX "/t", 0};
  raw_syscall3(__NR_umount2, (long)FX "/m", MNT_DETACH, 0);
  set_flags(FX "/a", 0);
  for (int i = 0; files[i]; i++) raw_syscall3(__NR_unlinkat, AT_FDCWD, (long)files[i], 0);
  for (int i = 0; dirs[i]; i++) raw_syscall3(__NR_unlinkat, AT_FDCWD, (long)dirs[i], AT_REMOVEDIR);
}
static int fixtures_made;

/* The marker's text for a caller, "STRANGER EUID GID": the fixtures' owners depend on nothing
 * else (the stranger's files, the caller's own o). */
static unsigned long pristine_text(const struct call *c, char *text) {
  unsigned long n = 0, ids[3] = {stranger_of(c), c->euid, c->gid};
  for (int i = 0; i < 3; i++) {
    char digits[24];
    int d = 0;
    unsigned long u = ids[i];
    do { digits[d++] = '0' + u % 10; u /= 10; } while (u);
    while (d) text[n++] = digits[--d];
    text[n++] = i == 2 ? '\n' : ' ';
  }
  return n;
}

/* Whether the fixtures are as prepare_fixtures makes them for this caller: its marker is written
 * last when they are made and removed before every call, and put back only after a call the
 * kernel refused (a refused call changes nothing) or one whose success changes nothing either
 * (success_keeps_fixtures), so a runner killed anywhere never leaves a marker on changed
 * fixtures. Saves remaking 14 inodes (about 75 system calls) per such call. */
static int fixtures_pristine(const struct call *c) {
  char want[72], have[72];
  unsigned long n = pristine_text(c, want);
  long fd = raw_syscall3(__NR_openat, AT_FDCWD, (long)FX_PRISTINE, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  long got = raw_syscall3(__NR_read, fd, (long)have, sizeof have);
  raw_syscall3(__NR_close, fd, 0, 0);
  unsigned long same = 0;
  while (got > 0 && same < n && same < (unsigned long)got && have[same] == want[same]) same++;
  if (got == (long)n && same == n) return 1;
  /* The same stranger, another caller: only the caller's own file changes hands (root's chown
   * keeps its 0644), as prepare_fixtures would have made it. */
  unsigned long stranger_end = 0;
  while (want[stranger_end] != ' ') stranger_end++;
  if (got <= 0 || same <= stranger_end) return 0;
  return raw_syscall5(__NR_fchownat, AT_FDCWD, (long)FX "/o", c->euid, c->gid, 0) == 0;
}
static void mark_pristine(const struct call *c) {
  char text[48];
  unsigned long n = pristine_text(c, text);
  long fd = raw_syscall4(__NR_openat, AT_FDCWD, (long)FX_PRISTINE, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return;
  raw_syscall3(__NR_write, fd, (long)text, n);
  raw_syscall3(__NR_close, fd, 0, 0);
}

/* The runner (root, login uid unset) makes the fixtures for one call; 0 or why not. */
static long prepare_fixtures(const struct call *c) {
  unsigned long s = stranger_of(c);
  remove_fixtures();
  fixtures_made = 1;
  raw_syscall3(__NR_mkdirat, AT_FDCWD, (long)FX, 0777);
  long r = raw_syscall3(__NR_fchmodat, AT_FDCWD, (long)FX, 0777);
  if (r < 0) return r;
  fixture_file(FX "/f", 0666, s, s);
  fixture_file(FX "/o", 0644, c->euid, c->gid);
  fixture_file(FX "/r", 0444, s, s);
  fixture_file(FX "/a", 0666, s, s);
  fixture_dir(FX "/d", 0755, s, s);
  fixture_dir(FX "/m", 0755, s, s);
  fixture_dir(FX "/l", 0755, s, s);
  fixture_file(FX "/l/f", 0666, s, s);
  raw_syscall3(__NR_fchmodat, AT_FDCWD, (long)FX "/l", 0700);
  fixture_dir(FX "/t", 01777, s, s);
  fixture_file(FX "/t/f", 0666, s, s);
  fixture_dir(FX "/t/d", 0755, s, s);
  if ((r = raw_syscall5(__NR_setxattr, (long)FX "/f", (long)"trusted.auditvm", (long)"1", 1, 0)) < 0) return r;
  set_flags(FX "/a", FS_APPEND_FL);
  mark_pristine(c);
  return 0;
}

/* The file the call names for its mechanic, and for fd calls the file it opens first. */
static const char *target(const struct call *c) {
  int name_call = c->syscall == SYS_RENAME || c->syscall == SYS_UNLINK || c->syscall == SYS_RMDIR || c->syscall == SYS_RENAMEAT ||
                  c->syscall == SYS_UNLINKAT;
  int dir_call = c->syscall == SYS_RMDIR;
  int own_call = c->syscall >= SYS_CHOWN && c->syscall <= SYS_FCHMODAT;
  int fd_call = c->syscall == SYS_FTRUNCATE || c->syscall == SYS_FCHOWN || c->syscall == SYS_FCHMOD || c->syscall == SYS_FSETXATTR ||
                c->syscall == SYS_FREMOVEXATTR || c->syscall == SYS_OPEN_BY_HANDLE_AT;
  switch (c->arg) {
    case ARG_DENIED: return fd_call ? FX "/r" : c->syscall == SYS_MOUNT ? FX "/l/m" : FX "/l/f";
    case ARG_NOT_OWNER: return name_call ? (dir_call ? FX "/t/d" : FX "/t/f") : c->syscall == SYS_MOUNT ? FX "/m" : FX "/f";
    case ARG_APPEND_ONLY: return FX "/a";
    case ARG_NOATIME: return FX "/f";
    default: return dir_call ? FX "/d" : c->syscall == SYS_MOUNT ? FX "/m" : own_call ? FX "/o" : FX "/f";
  }
}
static const char *renamed(const char *from) { /* the same directory, name g */
  return from[str_len(FX) + 1] == 'l' ? FX "/l/g" : from[str_len(FX) + 1] == 't' ? FX "/t/g" : FX "/g";
}

struct handle { unsigned int bytes; int type; unsigned char data[128]; };

/* The descriptor an opening call returns (check/call_outcomes.hpp, kOpenedDescriptor): every lower
 * free one is filled first with a copy of an open one, so the exit the kernel records is known
 * before the call. fcntl and dup3 are no rules' calls: they leave no records of their own. */
#define OPENED_FD 64
#define F_DUPFD 0
#define F_GETFD 1
static void fill_below_opened_fd(const struct call *c) {
  long any = -1, r;
  for (long i = 0; i < OPENED_FD && any < 0; i++)
    if (raw_syscall3(__NR_fcntl, i, F_GETFD, 0) >= 0) any = i;
  /* F_DUPFD takes the lowest free descriptor: each copy fills one hole (one system call each, not a
   * probe and a dup3), and the first copy at 64 or above says whether 64 was free. */
  while ((r = raw_syscall3(__NR_fcntl, any, F_DUPFD, 0)) < OPENED_FD)
    if (r < 0) setup_failed(c, "fill descriptors", r);
  if (r != OPENED_FD) setup_failed(c, "descriptor 64 free", -16);
  raw_syscall3(__NR_close, r, 0, 0);
}

/* The call itself, in the caller (its identity set); returns what the kernel returned. A step
 * the call needs first (an fd, a handle) that fails ends the caller with its setup line. */
static long path_access(const struct call *c);
static long file_call(const struct call *c) {
  if (c->arg == ARG_PATH) return path_access(c);
  const char *path = target(c);
  /* The xattr that is there (trusted.auditvm on f), or for denied fd calls one the VFS checks
   * against the file's mode (user.*, refused before any filesystem is asked). */
  const char *xattr = c->arg == ARG_DENIED ? "user.auditvm" : "trusted.auditvm";
  long fd = -1, r;
  if (c->syscall == SYS_FTRUNCATE) {
    fd = raw_syscall3(__NR_openat, AT_FDCWD, (long)path, O_WRONLY | (c->arg == ARG_APPEND_ONLY ? O_APPEND : 0));
  } else if (c->syscall == SYS_FCHOWN || c->syscall == SYS_FCHMOD || c->syscall == SYS_FSETXATTR || c->syscall == SYS_FREMOVEXATTR) {
    fd = raw_syscall3(__NR_openat, AT_FDCWD, (long)path, O_RDONLY);
  } else if (c->syscall == SYS_OPEN_BY_HANDLE_AT) {
    fd = raw_syscall3(__NR_openat, AT_FDCWD, (long)FX, O_RDONLY | O_DIRECTORY);
  }
  if (fd < 0 && (c->syscall == SYS_FTRUNCATE || c->syscall == SYS_FCHOWN || c->syscall == SYS_FCHMOD || c->syscall == SYS_FSETXATTR ||
                 c->syscall == SYS_FREMOVEXATTR || c->syscall == SYS_OPEN_BY_HANDLE_AT))
    setup_failed(c, "open fixture", fd);
  long open_flags = c->arg == ARG_NOATIME ? O_RDONLY | O_NOATIME : O_RDONLY;
  if (c->syscall == SYS_OPEN || c->syscall == SYS_OPENAT || c->syscall == SYS_CREAT || c->syscall == SYS_OPEN_BY_HANDLE_AT) fill_below_opened_fd(c);
  switch (c->syscall) {
    case SYS_OPEN: return NR_OPEN < 0 ? -38 : raw_syscall3(NR_OPEN, (long)path, open_flags, 0);
    case SYS_OPENAT: return raw_syscall4(__NR_openat, AT_FDCWD, (long)path, open_flags, 0);
    case SYS_CREAT: return NR_CREAT < 0 ? -38 : raw_syscall3(NR_CREAT, (long)path, 0644, 0);
    case SYS_TRUNCATE: return raw_syscall3(__NR_truncate, (long)path, 0, 0);
    case SYS_FTRUNCATE: return raw_syscall3(__NR_ftruncate, fd, 0, 0);
    case SYS_OPEN_BY_HANDLE_AT: {
      struct handle h = {sizeof h.data, 0, {0}};
      int mount_id = 0;
      if ((r = raw_syscall5(__NR_name_to_handle_at, AT_FDCWD, (long)path, (long)&h, (long)&mount_id, 0)) < 0) setup_failed(c, "name_to_handle_at", r);
      return raw_syscall3(__NR_open_by_handle_at, fd, (long)&h, c->arg == ARG_DENIED ? O_WRONLY : O_RDONLY);
    }
    case SYS_MOUNT: return raw_syscall5(__NR_mount, (long)"auditvm", (long)path, (long)"tmpfs", 0, 0);
    case SYS_RENAME: return NR_RENAME < 0 ? -38 : raw_syscall3(NR_RENAME, (long)path, (long)renamed(path), 0);
    case SYS_RENAMEAT: return NR_RENAMEAT < 0 ? -38 : raw_syscall4(NR_RENAMEAT, AT_FDCWD, (long)path, AT_FDCWD, (long)renamed(path));
    case SYS_UNLINK: return NR_UNLINK < 0 ? -38 : raw_syscall3(NR_UNLINK, (long)path, 0, 0);
    case SYS_UNLINKAT: return raw_syscall3(__NR_unlinkat, AT_FDCWD, (long)path, 0);
    case SYS_RMDIR: return NR_RMDIR < 0 ? -38 : raw_syscall3(NR_RMDIR, (long)path, 0, 0);
    /* Success: -1, -1 (no change, the 16-bit calls read it so too) on the caller's own file;
     * not_owner: a uid that is neither the caller's nor the owner's. */
    case SYS_CHOWN: return NR_CHOWN < 0 ? -38 : raw_syscall3(NR_CHOWN, (long)path, c->arg == ARG_VALID ? -1 : 4244, -1);
    case SYS_LCHOWN: return NR_LCHOWN < 0 ? -38 : raw_syscall3(NR_LCHOWN, (long)path, c->arg == ARG_VALID ? -1 : 4244, -1);
    case SYS_FCHOWN: return raw_syscall3(__NR_fchown, fd, c->arg == ARG_VALID ? -1 : 4244, -1);
    case SYS_FCHOWNAT: return raw_syscall5(__NR_fchownat, AT_FDCWD, (long)path, c->arg == ARG_VALID ? -1 : 4244, -1, 0);
    case SYS_CHMOD: return NR_CHMOD < 0 ? -38 : raw_syscall3(NR_CHMOD, (long)path, 0644, 0);
    case SYS_FCHMOD: return raw_syscall3(__NR_fchmod, fd, 0644, 0);
    case SYS_FCHMODAT: return raw_syscall3(__NR_fchmodat, AT_FDCWD, (long)path, 0644);
    case SYS_SETXATTR: return raw_syscall5(__NR_setxattr, (long)path, (long)xattr, (long)"2", 1, 0);
    case SYS_LSETXATTR: return raw_syscall5(__NR_lsetxattr, (long)path, (long)xattr, (long)"2", 1, 0);
    case SYS_FSETXATTR: return raw_syscall5(__NR_fsetxattr, fd, (long)xattr, (long)"2", 1, 0);
    case SYS_REMOVEXATTR: return raw_syscall3(__NR_removexattr, (long)path, (long)xattr, 0);
    case SYS_LREMOVEXATTR: return raw_syscall3(__NR_lremovexattr, (long)path, (long)xattr, 0);
    case SYS_FREMOVEXATTR: return raw_syscall3(__NR_fremovexattr, fd, (long)xattr, 0);
  }
  return -38;
}

/* ---- path witnesses: an access of a guest path the STIG's watch and path rules name ---- */

/* ARGUMENT is the path itself. openat: open for writing without creating or writing anything
 * (O_WRONLY|O_APPEND, the write class of -p w); fchmodat: the mode the file has (read with statx,
 * no rule's call), an attribute change of -p a that changes nothing; execve: the program, run by a
 * child of the caller with its output discarded (the parent learns an exec failure through a
 * close-on-exec pipe) so that the caller still prints the line; the line's pid is the child's. */
#define STATX_MODE 2
static long exec_child_pid;
static long path_access(const struct call *c) {
  const char *path = c->field[10];
  long r;
  if (c->syscall == SYS_OPENAT) {
    fill_below_opened_fd(c);
    return raw_syscall4(__NR_openat, AT_FDCWD, (long)path, O_WRONLY | O_APPEND, 0);
  }
  if (c->syscall == SYS_FCHMODAT) {
    unsigned char statx_buf[256];
    if ((r = raw_syscall5(__NR_statx, AT_FDCWD, (long)path, 0, STATX_MODE, (long)statx_buf)) < 0) setup_failed(c, "statx", r);
    unsigned int mode = (unsigned int)(statx_buf[0x1c] | statx_buf[0x1d] << 8) & 07777; /* stx_mode, little-endian on every ABI here */
    return raw_syscall3(__NR_fchmodat, AT_FDCWD, (long)path, mode);
  }
  int fds[2];
  if ((r = raw_syscall3(__NR_pipe2, (long)fds, O_CLOEXEC, 0)) < 0) setup_failed(c, "pipe2", r);
  long pid = raw_syscall3(__NR_clone, SIGCHLD, 0, 0);
  if (pid < 0) setup_failed(c, "fork exec", pid);
  if (pid == 0) {
    const char *argv[] = {path, 0};
    const char *envp[] = {0};
    long null = raw_syscall3(__NR_openat, AT_FDCWD, (long)"/dev/null", O_RDWR);
    if (null >= 0) { raw_syscall3(__NR_dup3, null, 1, 0); raw_syscall3(__NR_dup3, null, 2, 0); }
    long e = raw_syscall3(__NR_execve, (long)path, (long)argv, (long)envp);
    raw_syscall3(__NR_write, fds[1], (long)&e, sizeof e);
    leave(0);
  }
  raw_syscall3(__NR_close, fds[1], 0, 0);
  long e = 0;
  long n = raw_syscall3(__NR_read, fds[0], (long)&e, sizeof e);
  int status;
  while (raw_syscall4(__NR_wait4, pid, (long)&status, 0, 0) == -4) {}
  exec_child_pid = pid;
  return n == (long)sizeof e ? e : 0;
}

/* The mark a batch caller puts on its call: its comm (PR_SET_NAME) "call-ID", which the kernel writes
 * in every record of the call (comm=), so that one caller process can make many calls and each
 * record still names its own call. No rule field filters on comm: the mark changes no verdict. */
#define PR_SET_NAME 15
static char call_comm[16];
static void mark_call(const struct call *c) {
  unsigned long n = 5, u = c->id;
  char digits[24];
  int d = 0;
  call_comm[0] = 'c'; call_comm[1] = 'a'; call_comm[2] = 'l'; call_comm[3] = 'l'; call_comm[4] = '-';
  do { digits[d++] = '0' + u % 10; u /= 10; } while (u);
  while (d && n < sizeof call_comm - 1) call_comm[n++] = digits[--d];
  call_comm[n] = 0;
  raw_syscall3(__NR_prctl, PR_SET_NAME, (long)call_comm, 0);
}

/* Makes the call and prints what the caller saw; returns what the kernel returned. A step before
 * the call that fails ends the caller with its setup line (exit 3). */
static long make_call(const struct call *c) {
  static const char not_elf[8] = {'a', 'u', 'd', 'i', 't', 'v', 'm', 0};
  long ret;
  /* Who the caller is, read before the call: reading /proc opens files, which open rules record
   * as this process's too; after the call the caller opens nothing. */
  unsigned long ses = read_proc_number("/proc/self/sessionid"), auid = read_proc_number("/proc/self/loginuid");
  char exe[256];
  long n = raw_syscall4(__NR_readlinkat, AT_FDCWD, (long)"/proc/self/exe", (long)exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = 0;
  if (c->syscall >= FIRST_FILE_CALL) ret = file_call(c);
  else if (c->syscall != SYS_DELETE && c->arg != ARG_BAD_FD && c->arg != ARG_NOT_ELF && c->arg != ARG_BAD_POINTER && module_error < 0)
    setup_failed(c, "open module", module_error);
  else if (c->syscall == SYS_DELETE) {
    ret = raw_syscall3(__NR_delete_module, c->arg == ARG_BAD_POINTER ? BAD_ADDRESS : (long)module_name, O_NONBLOCK, 0);
  } else if (c->syscall == SYS_FINIT) {
    ret = raw_syscall3(__NR_finit_module, c->arg == ARG_BAD_FD ? -1 : module_fd, (long)"", c->arg == ARG_BAD_FLAGS ? BAD_FINIT_FLAGS : 0);
  } else if (c->arg == ARG_NOT_ELF) {
    ret = raw_syscall3(__NR_init_module, (long)not_elf, sizeof not_elf, (long)"");
  } else {
    /* An unmapped image as long as a real one: the copy from user memory faults. */
    ret = raw_syscall3(__NR_init_module, c->arg == ARG_BAD_POINTER ? BAD_ADDRESS : (long)module_image, c->arg == ARG_BAD_POINTER ? 4096 : (long)module_len, (long)"");
  }
  struct cap_data caps[2];
  int sys_module = get_caps(caps) == 0 && (caps[0].effective >> CAP_SYS_MODULE & 1);
  long pid = exec_child_pid ? exec_child_pid : raw_syscall3(__NR_getpid, 0, 0, 0);
  put("{\"id\":"); put_unum(c->id);
  put(",\"syscall\":\""); put(syscall_name(c->syscall)); put("\",\"abi\":\"" HELPER_ABI "\",\"pid\":"); put_num(pid);
  /* An exec'd child is a process of its own, its comm the program's: its pid alone names it. */
  if (call_comm[0] && !exec_child_pid) { put(",\"comm\":"); put_string(call_comm); }
  put(",\"ses\":"); put_unum(ses);
  put(",\"auid\":"); put_unum(auid);
  put(",\"uid\":"); put_unum((unsigned long)raw_syscall3(NR_GETUID, 0, 0, 0));
  put(",\"euid\":"); put_unum((unsigned long)raw_syscall3(NR_GETEUID, 0, 0, 0));
  put(",\"gid\":"); put_unum((unsigned long)raw_syscall3(NR_GETGID, 0, 0, 0));
  put(",\"cap_sys_module\":"); put(sys_module ? "true" : "false");
  put(",\"exe\":"); put_string(exe);
  put(",\"ret\":"); put_num(ret < 0 ? -1 : ret);
  put(",\"errno\":"); put_num(ret < 0 ? -ret : 0);
  put(",\"error\":\""); put(errno_name(ret < 0 ? -ret : 0)); put("\"}");
  flush();
  exec_child_pid = 0;
  return ret;
}

static long fork_process(void) { return raw_syscall3(__NR_clone, SIGCHLD, 0, 0); }

/* Why a caller process ended without answering for call c: status 3 says it printed the call's
 * setup line; a signal or any other status gets a line here (a signal in the errno field). */
static void report_death(const struct call *c, long r, int status, const char *who) {
  int code = status >> 8 & 0xff;
  if (r < 0) setup_line(c, "wait", r);
  else if ((status & 0x7f) != 0) setup_line(c, who, -(long)(status & 0x7f));
  else if (code != 3) setup_line(c, who, -(long)code);
}

/* Whether the module is loaded (listed in /proc/modules, whatever its state). */
static int module_loaded(void) {
  static char buf[64 << 10];
  long fd = raw_syscall3(__NR_openat, AT_FDCWD, (long)"/proc/modules", O_RDONLY);
  if (fd < 0) return 0;
  unsigned long len = 0;
  long n;
  while (len < sizeof buf - 1 && (n = raw_syscall3(__NR_read, fd, (long)(buf + len), sizeof buf - 1 - len)) > 0) len += n;
  raw_syscall3(__NR_close, fd, 0, 0);
  buf[len] = 0;
  unsigned long name_len = str_len(module_name);
  for (char *line = buf; *line;) {
    unsigned long i = 0;
    while (i < name_len && line[i] == module_name[i]) i++;
    if (i == name_len && line[i] == ' ') return 1;
    while (*line && *line != '\n') line++;
    if (*line) line++;
  }
  return 0;
}

/* The runner itself (root, login uid unset) puts the module where the call wants it. */
static long bring_module(int before) {
  int loaded = module_loaded();
  long r = 0;
  if (before == BEFORE_LOADED && !loaded) {
    if (module_fd < 0) return module_error;
    r = raw_syscall3(__NR_finit_module, module_fd, (long)"", 0);
    if (r == -17) r = 0;
  } else if (before == BEFORE_UNLOADED && loaded) {
    r = raw_syscall3(__NR_delete_module, (long)module_name, O_NONBLOCK, 0);
    if (r == -2) r = 0;
  }
  return r;
}

static const char *parse_call(char *line, struct call *c);
static int session_call(const struct call *c);

/* Whether a file call that succeeded left the fixtures as prepare_fixtures made them, in all an
 * outcome depends on (names, owners, modes, flags, xattrs, contents; not times): opens for reading,
 * creat and truncations of the empty f, chown -1 -1 and chmod 0644 of the 0644 o, a handle's open. */
static int success_keeps_fixtures(const struct call *c) {
  switch (c->syscall) {
    case SYS_OPEN: case SYS_OPENAT: case SYS_CREAT: case SYS_TRUNCATE: case SYS_FTRUNCATE: case SYS_OPEN_BY_HANDLE_AT:
    case SYS_CHOWN: case SYS_FCHOWN: case SYS_FCHOWNAT: case SYS_LCHOWN: case SYS_CHMOD: case SYS_FCHMOD: case SYS_FCHMODAT:
      return c->arg == ARG_VALID;
    default: return 0;
  }
}

static void run_call(const struct call *c) {
  const int file = c->syscall >= FIRST_FILE_CALL && c->arg != ARG_PATH;  /* a path witness acts on the guest's own file */
  if (file) {
    fixtures_made = 1;  /* by this runner or another: removed at the end of the batch */
    long r = fixtures_pristine(c) ? 0 : prepare_fixtures(c);
    if (r < 0) { setup_line(c, "fixtures", r); return; }
    raw_syscall3(__NR_unlinkat, AT_FDCWD, (long)FX_PRISTINE, 0);  /* until the call is known to have been refused */
  }
  if (c->before != BEFORE_AS_IS) {
    long r = bring_module(c->before);
    if (r < 0) { setup_line(c, c->before == BEFORE_LOADED ? "module_before loaded" : "module_before unloaded", r); return; }
  }
  int answer = session_call(c);
  if (file && (answer == CALL_REFUSED || (answer == CALL_SUCCEEDED && success_keeps_fixtures(c)))) mark_pristine(c);
}

/* A call line as the batch file has it ('\n' ended), to send to another process. */
static unsigned long format_line(const struct call *c, char *line, unsigned long size) {
  unsigned long len = 0;
  for (int i = 0; i < CALL_FIELDS; i++) {
    for (const char *p = c->field[i]; *p && len < size - 2; p++) line[len++] = *p;
    line[len++] = i + 1 < CALL_FIELDS ? ' ' : '\n';
  }
  return len;
}

/* One line from a socket (the sender waits for an answer before the next): 0 at its end. */
static int read_line(long fd, char *line, unsigned long size) {
  unsigned long len = 0;
  while (len == 0 || line[len - 1] != '\n') {
    long n = raw_syscall3(__NR_read, fd, (long)(line + len), size - 1 - len);
    if (n <= 0 || len + n >= size - 1) return 0;
    len += n;
  }
  line[len - 1] = 0;
  return 1;
}

/* ---- sessions: one caller process per identity, kept for all of its calls ---- */

/* A caller process makes every call of one identity (executable, login mode, login uid, ids,
 * capabilities) in a batch, one after the other as the runner hands them over, instead of one
 * process per call: the fork, exit and wait of a process were most of what a call cost. What the
 * kernel judges is as before. Task rules judge a process at its fork: a self caller is forked by
 * the runner (root, login uid unset) and sets its login uid and ids itself, as a login daemon's
 * session process does; an inherited caller is forked by a session process that set them first,
 * as a login shell runs a user's commands (one login, one session id, per identity). The calls'
 * records are told apart by the mark each call puts in them (mark_call); each call's descriptors
 * are closed after it, so every call starts from the same table. */
#define MAX_SESSIONS 64
struct session { int used, login_self, auid_mode, cap; unsigned long auid, uid, euid, gid, last; long fd, pid; };
static struct session sessions[MAX_SESSIONS];
static unsigned long session_clock;
static long peer_fds[MAX_RUNNERS];  /* this runner's sockets to other runners, closed in sessions */

static int same_identity(const struct session *s, const struct call *c) {
  return s->used && s->login_self == c->login_self && s->auid_mode == c->auid_mode && (c->auid_mode != AUID_SET || s->auid == c->auid) &&
         s->uid == c->uid && s->euid == c->euid && s->gid == c->gid && s->cap == c->cap;
}

/* Ends a session: its caller sees the end of its socket and leaves. With c, the session died
 * during c: says why unless it printed c's setup line. */
static void end_session(struct session *s, const struct call *c) {
  int status = 0;
  long r;
  raw_syscall3(__NR_close, s->fd, 0, 0);
  do r = raw_syscall4(__NR_wait4, s->pid, (long)&status, 0, 0); while (r == -4);
  s->used = 0;
  if (c) report_death(c, r, status, "caller died");
}

static void end_sessions(void) {
  for (int i = 0; i < MAX_SESSIONS; i++)
    if (sessions[i].used) end_session(&sessions[i], 0);
}

/* Where a caller keeps its socket and the module's descriptor, above every descriptor a call opens
 * (they fill up to OPENED_FD). */
#define KEPT_FD 256
#define F_DUPFD_CLOEXEC 1030
#ifndef __NR_close_range
#define __NR_close_range 436
#endif
static void close_call_fds(void) {
  if (raw_syscall3(__NR_close_range, 3, KEPT_FD - 1, 0) == 0) return;
  for (long i = 3; i < KEPT_FD; i++) raw_syscall3(__NR_close, i, 0, 0);  /* kernels before 5.9 */
}

/* Makes the calls handed over on fd one by one; answers "r" when the kernel refused one, "\n" else. */
static void caller_loop(long fd) {
  long sock = raw_syscall3(__NR_fcntl, fd, F_DUPFD_CLOEXEC, KEPT_FD);
  if (sock < 0) leave(1);
  if (module_fd >= 0) {
    long moved = raw_syscall3(__NR_fcntl, module_fd, F_DUPFD_CLOEXEC, KEPT_FD + 1);
    if (moved >= 0) module_fd = moved;
  }
  close_call_fds();
  char line[1024];
  while (read_line(sock, line, sizeof line)) {
    struct call c = {0};
    if (parse_call(line, &c)) leave(2);
    mark_call(&c);
    long ret = make_call(&c);
    close_call_fds();
    if (raw_syscall3(__NR_write, sock, (long)(ret < 0 ? "r" : "\n"), 1) != 1) leave(0);
  }
  leave(0);
}

static void session_process(const struct call *first, long fd) {
  for (int i = 0; i < MAX_SESSIONS; i++)  /* the runner's ends: each session sees its end when the runner closes it */
    if (sessions[i].used) raw_syscall3(__NR_close, sessions[i].fd, 0, 0);
  for (int i = 0; i < MAX_RUNNERS; i++)
    if (peer_fds[i]) raw_syscall3(__NR_close, peer_fds[i], 0, 0);
  become_caller(first);
  if (first->login_self) caller_loop(fd);
  long pid = fork_process();
  if (pid < 0) setup_failed(first, "fork caller", pid);
  if (pid == 0) caller_loop(fd);
  raw_syscall3(__NR_close, fd, 0, 0);  /* the caller's alone: when it dies, the runner sees its end */
  int status = 0;
  long r;
  do r = raw_syscall4(__NR_wait4, pid, (long)&status, 0, 0); while (r == -4);
  if (r >= 0 && (status & 0x7f)) raw_syscall3(__NR_kill, raw_syscall3(__NR_getpid, 0, 0, 0), status & 0x7f, 0);  /* die as the caller did */
  leave(r < 0 ? 1 : status >> 8 & 0xff);
}

static struct session *session_for(const struct call *c) {
  struct session *s = 0;
  for (int i = 0; i < MAX_SESSIONS; i++)
    if (same_identity(&sessions[i], c)) s = &sessions[i];
  if (!s) {
    s = &sessions[0];
    for (int i = 0; i < MAX_SESSIONS; i++) {
      if (!sessions[i].used) { s = &sessions[i]; break; }
      if (sessions[i].last < s->last) s = &sessions[i];
    }
    if (s->used) end_session(s, 0);  /* the least recently used one */
    int sv[2];
    long r = raw_syscall4(__NR_socketpair, AF_UNIX, SOCK_STREAM | O_CLOEXEC, 0, (long)sv);
    if (r < 0) { setup_line(c, "socketpair", r); return 0; }
    long pid = fork_process();
    if (pid == 0) { raw_syscall3(__NR_close, sv[0], 0, 0); session_process(c, sv[1]); }
    raw_syscall3(__NR_close, sv[1], 0, 0);
    if (pid < 0) { raw_syscall3(__NR_close, sv[0], 0, 0); setup_line(c, "fork", pid); return 0; }
    s->used = 1; s->login_self = c->login_self; s->auid_mode = c->auid_mode; s->auid = c->auid; s->uid = c->uid; s->euid = c->euid;
    s->gid = c->gid; s->cap = c->cap;
    s->fd = sv[0]; s->pid = pid;
  }
  s->last = ++session_clock;
  return s;
}

/* Has the identity's caller make the call; returns its answer: the kernel refused it ("r") or not
 * ("\n"), or none (the caller died, or a step before the call failed). */
static int session_call(const struct call *c) {
  struct session *s = session_for(c);
  if (!s) return CALL_UNANSWERED;
  char line[1024], ack;
  unsigned long len = format_line(c, line, sizeof line);
  if (raw_syscall3(__NR_write, s->fd, (long)line, len) == (long)len && raw_syscall3(__NR_read, s->fd, (long)&ack, 1) == 1)
    return ack == 'r' ? CALL_REFUSED : CALL_SUCCEEDED;
  end_session(s, c);
  return CALL_UNANSWERED;
}

/* Reads the module once: finit_module callers share the descriptor, init_module callers the image. */
static void open_module(void) {
  module_fd = raw_syscall3(__NR_openat, AT_FDCWD, (long)module_path, O_RDONLY | O_CLOEXEC);
  if (module_fd < 0) { module_error = module_fd; return; }
  for (;;) {
    long n = raw_syscall3(__NR_read, module_fd, (long)(module_image + module_len), sizeof module_image - module_len);
    if (n < 0) { module_error = n; return; }
    if (n == 0) break;
    module_len += n;
    if (module_len == sizeof module_image) { module_error = -27; return; }
  }
}

/* ---- batch lines ---- */

static int word_is(const char *w, const char *const *names, int *value) {
  for (int i = 0; names[i]; i++)
    if (str_eq(w, names[i])) { *value = i; return 1; }
  return 0;
}

/* Splits one line into the call's fields in place; returns why it is not a call, or 0. */
static const char *parse_call(char *line, struct call *c) {
  static const char *const logins[] = {"inherited", "self", 0};
  static const char *const befores[] = {"as_is", "loaded", "unloaded", 0};
  static const char *const caps[] = {"natural", "keep", "drop", 0};
  static const char *const args[] = {"valid", "bad_fd", "bad_flags", "bad_pointer", "not_elf", "denied", "not_owner", "append_only", "noatime", 0};
  int n = 0;
  for (char *p = line; *p;) {
    while (*p == ' ' || *p == '\t') *p++ = 0;
    if (!*p) break;
    if (n == CALL_FIELDS) return "more than 11 fields";
    c->field[n++] = p;
    while (*p && *p != ' ' && *p != '\t') p++;
  }
  if (n != CALL_FIELDS) return "fewer than 11 fields";
  if (!parse_num(c->field[0], &c->id)) return "ID: not a number";
  if (!word_is(c->field[2], syscall_names, &c->syscall)) return "SYSCALL: not a module call or a file call this runner makes";
  if (!word_is(c->field[3], logins, &c->login_self)) return "LOGIN: not inherited or self";
  if (str_eq(c->field[4], "unset")) c->auid_mode = AUID_UNSET;
  else if (parse_num(c->field[4], &c->auid)) c->auid_mode = AUID_SET;
  else return "AUID: not a number below 4294967295 or unset";
  if (!parse_num(c->field[5], &c->uid)) return "UID: not a number below 4294967295";
  if (!parse_num(c->field[6], &c->euid)) return "EUID: not a number below 4294967295";
  if (!parse_num(c->field[7], &c->gid)) return "GID: not a number below 4294967295";
  c->ids = 1;
  if (!word_is(c->field[8], befores, &c->before)) return "BEFORE: not as_is, loaded or unloaded";
  if (!word_is(c->field[9], caps, &c->cap)) return "CAPABILITY: not natural, keep or drop";
  if (c->field[10][0] == '/') c->arg = ARG_PATH;
  else if (!word_is(c->field[10], args, &c->arg)) return "ARGUMENT: not valid, bad_fd, bad_flags, bad_pointer, not_elf, denied, not_owner, append_only, noatime or a path";
  if (c->syscall == SYS_EXECVE && c->arg != ARG_PATH) return "ARGUMENT: execve takes a path";
  if (c->arg == ARG_PATH && c->syscall != SYS_OPENAT && c->syscall != SYS_FCHMODAT && c->syscall != SYS_EXECVE)
    return "ARGUMENT: a path is for openat, fchmodat and execve";
  if (c->syscall >= FIRST_FILE_CALL && c->arg != ARG_VALID && c->arg < ARG_DENIED) return "ARGUMENT: bad_fd, bad_flags, bad_pointer and not_elf are for module calls";
  if (c->syscall < FIRST_FILE_CALL && c->arg >= ARG_DENIED) return "ARGUMENT: denied, not_owner, append_only and noatime are for file calls";
  if (c->syscall >= FIRST_FILE_CALL && c->before != BEFORE_AS_IS) return "BEFORE: file calls take as_is";
  if ((c->arg == ARG_BAD_FD || c->arg == ARG_BAD_FLAGS) && c->syscall != SYS_FINIT) return "ARGUMENT: bad_fd and bad_flags are for finit_module";
  if (c->arg == ARG_BAD_POINTER && c->syscall == SYS_FINIT) return "ARGUMENT: bad_pointer is for init_module and delete_module";
  if (c->arg == ARG_NOT_ELF && c->syscall != SYS_INIT) return "ARGUMENT: not_elf is for init_module";
  return 0;
}

static void bad_line(unsigned long number, const char *why) {
  char where[40] = "line ";
  unsigned long len = 5, u = number;
  char digits[24];
  int n = 0;
  do { digits[n++] = '0' + u % 10; u /= 10; } while (u);
  while (n) where[len++] = digits[--n];
  where[len] = 0;
  usage(why, where);
}

/* ---- runners: this process and the ones it starts for other executables ---- */

struct runner { const char *tag, *path; long fd, pid; int dead; };
static struct runner runners[MAX_RUNNERS];
static int runner_count;

static void start_runner(struct runner *r) {
  int sv[2];
  long e = raw_syscall4(__NR_socketpair, AF_UNIX, SOCK_STREAM | O_CLOEXEC, 0, (long)sv);
  if (e < 0) { r->dead = 1; return; }
  long pid = fork_process();
  if (pid == 0) {
    const char *argv[] = {r->path, "--serve", "--module", module_path, "--name", module_name, 0};
    const char *envp[] = {0};
    if (raw_syscall3(__NR_dup3, sv[1], 0, 0) < 0) leave(127);
    raw_syscall3(__NR_execve, (long)r->path, (long)argv, (long)envp);
    leave(127);
  }
  raw_syscall3(__NR_close, sv[1], 0, 0);
  if (pid < 0) { raw_syscall3(__NR_close, sv[0], 0, 0); r->dead = 1; return; }
  r->fd = sv[0];
  r->pid = pid;
  peer_fds[r - runners] = sv[0];
}

/* Hands a call to another runner and waits until it is done (its caller printed the line). */
static void delegate(struct runner *r, const struct call *c) {
  if (!r->fd && !r->dead) start_runner(r);
  char line[1024], ack;
  unsigned long len = format_line(c, line, sizeof line);
  if (!r->dead && (raw_syscall3(__NR_write, r->fd, (long)line, len) != (long)len || raw_syscall3(__NR_read, r->fd, (long)&ack, 1) != 1))
    r->dead = 1;
  if (r->dead) {
    put("{\"id\":"); put_unum(c->id); put(",\"abi\":\"" HELPER_ABI "\",\"setup_failed\":\"runner ");
    put(r->tag); put(" is not running\",\"errno\":0,\"error\":\"\",\"path\":"); put_string(r->path); put("}");
    flush();
  }
}

static void serve(void) {
  char line[1024];
  for (;;) {
    if (!read_line(0, line, sizeof line)) { end_sessions(); if (fixtures_made) remove_fixtures(); leave(0); }
    struct call c = {0};
    const char *why = parse_call(line, &c);
    if (why) usage(why, "served line");
    run_call(&c);
    if (raw_syscall3(__NR_write, 0, (long)"\n", 1) != 1) leave(0);
  }
}

static void run_batch(const char *file, const char *self_tag) {
  long fd = raw_syscall3(__NR_openat, AT_FDCWD, (long)file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) usage("cannot open the batch file", file);
  unsigned long len = 0;
  long n;
  while ((n = raw_syscall3(__NR_read, fd, (long)(batch + len), sizeof batch - 1 - len)) > 0) len += n;
  raw_syscall3(__NR_close, fd, 0, 0);
  if (n < 0) usage("cannot read the batch file", file);
  if (len == sizeof batch - 1) usage("the batch file is too large", file);
  batch[len] = 0;
  /* Check every line before making any call: a bad file changes nothing. */
  static struct call calls[1 << 16];
  unsigned long count = 0, number = 0;
  for (char *line = batch; *line;) {
    char *end = line;
    while (*end && *end != '\n') end++;
    int last = !*end;
    *end = 0;
    number++;
    char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (*p && *p != '#') {
      if (count == sizeof calls / sizeof calls[0]) bad_line(number, "more than 65536 calls");
      const char *why = parse_call(line, &calls[count]);
      if (why) bad_line(number, why);
      int known = str_eq(calls[count].field[1], self_tag);
      for (int i = 0; i < runner_count && !known; i++) known = str_eq(calls[count].field[1], runners[i].tag);
      if (!known) bad_line(number, "RUNNER: neither the --as tag nor a --runner tag");
      count++;
    }
    line = last ? end : end + 1;
  }
  for (unsigned long i = 0; i < count; i++) {
    if (str_eq(calls[i].field[1], self_tag)) { run_call(&calls[i]); continue; }
    for (int r = 0; r < runner_count; r++)
      if (str_eq(calls[i].field[1], runners[r].tag)) { delegate(&runners[r], &calls[i]); break; }
  }
  end_sessions();
  if (fixtures_made) remove_fixtures();
  for (int r = 0; r < runner_count; r++) {
    if (!runners[r].fd) continue;
    raw_syscall3(__NR_close, runners[r].fd, 0, 0);
    int status;
    raw_syscall4(__NR_wait4, runners[r].pid, (long)&status, 0, 0);
  }
}

long start_c(long *stack) {
  int argc = (int)stack[0];
  char **argv = (char **)(stack + 1);
  const char *auid = 0, *op = 0, *batch_file = 0, *self_tag = 0;
  int serving = 0;
  struct call single = {0};
  single.login_self = 1;
  single.uid = single.euid = single.gid = UNSET_ID;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (str_eq(a, "--serve")) { serving = 1; continue; }
    if (i + 1 >= argc) usage("option needs a value", a);
    const char *v = argv[++i];
    if (str_eq(a, "--auid")) auid = v;
    else if (str_eq(a, "--uid")) { if (!parse_num(v, &single.uid)) usage("bad --uid", v); single.euid = single.uid; }
    else if (str_eq(a, "--gid")) { if (!parse_num(v, &single.gid)) usage("bad --gid", v); }
    else if (str_eq(a, "--finit") || str_eq(a, "--init") || str_eq(a, "--delete")) { op = a + 2; module_path = module_name = v; }
    else if (str_eq(a, "--batch")) batch_file = v;
    else if (str_eq(a, "--module")) module_path = v;
    else if (str_eq(a, "--name")) module_name = v;
    else if (str_eq(a, "--as")) self_tag = v;
    else if (str_eq(a, "--runner")) {
      const char *eq = v;
      while (*eq && *eq != '=') eq++;
      if (!*eq || eq == v || !eq[1]) usage("--runner needs TAG=PATH", v);
      if (runner_count == MAX_RUNNERS) usage("too many --runner", v);
      argv[i][eq - v] = 0;
      runners[runner_count].tag = v;
      runners[runner_count++].path = eq + 1;
    } else usage("unknown option", a);
  }
  if (serving || batch_file) {
    if (!module_path || !module_name) usage("--module and --name are required", 0);
    open_module();
    if (serving) serve();
    if (!self_tag) usage("--batch needs --as", 0);
    run_batch(batch_file, self_tag);
    leave(0);
  }
  if (!op) usage("one of --finit, --init, --delete, --batch is required", 0);
  single.syscall = str_eq(op, "delete") ? SYS_DELETE : str_eq(op, "finit") ? SYS_FINIT : SYS_INIT;
  if (single.syscall != SYS_DELETE) {
    open_module();
    if (module_error < 0) setup_failed(&single, "open module", module_error);
  }
  if (auid) {
    single.auid_mode = str_eq(auid, "unset") ? AUID_UNSET : AUID_SET;
    if (single.auid_mode == AUID_SET && !parse_num(auid, &single.auid)) usage("bad --auid", auid);
  }
  /* Without --uid or --gid the ids stay; with one of them, the other stays as it is. */
  if (single.uid != UNSET_ID || single.gid != UNSET_ID) {
    single.ids = 1;
    if (single.uid == UNSET_ID) single.uid = single.euid = (unsigned long)raw_syscall3(NR_GETUID, 0, 0, 0);
    if (single.gid == UNSET_ID) single.gid = (unsigned long)raw_syscall3(NR_GETGID, 0, 0, 0);
  }
  become_caller(&single);
  make_call(&single);
  leave(0);
  return 0;
}
