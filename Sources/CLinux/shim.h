// Linux calls the Swift Glibc module does not expose (variadic or _GNU_SOURCE-only).
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <dirent.h>
#include <errno.h>
#include <string.h>

static inline int clinux_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
                                   unsigned int flags) {
    return renameat2(olddirfd, oldpath, newdirfd, newpath, flags);
}
static inline int clinux_open(const char *path, int flags, mode_t mode) { return open(path, flags, mode); }
static inline dev_t clinux_makedev(unsigned int ma, unsigned int mi) { return makedev(ma, mi); }
static inline unsigned int clinux_major(dev_t d) { return major(d); }
static inline unsigned int clinux_minor(dev_t d) { return minor(d); }
static inline const char *clinux_dirent_name(const struct dirent *d) { return d->d_name; }
static inline int clinux_errno(void) { return errno; }
static inline int clinux_o_tmpfile(void) { return O_TMPFILE; }
/* chattr: FS_IOC_GETFLAGS, then FS_IOC_SETFLAGS with the immutable and append-only bits as given. */
static inline int clinux_set_protection(int fd, int immutable, int append) {
    int flags = 0;
    if (ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0) return -1;
    flags = immutable ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
    flags = append ? (flags | FS_APPEND_FL) : (flags & ~FS_APPEND_FL);
    return ioctl(fd, FS_IOC_SETFLAGS, &flags);
}
static inline int clinux_statfs(const char *p, long *type, long *namelen) {
    struct statfs st;
    int r = statfs(p, &st);
    if (r == 0) {
        *type = (long)st.f_type;
        *namelen = (long)st.f_namelen;
    }
    return r;
}
static inline const char *clinux_errname(int e) { return strerrorname_np(e); }
static inline int clinux_stat(const char *p, struct stat *st) { return stat(p, st); }
static inline int clinux_lstat(const char *p, struct stat *st) { return lstat(p, st); }
