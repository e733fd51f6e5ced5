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
#include <linux/fiemap.h>
#include <linux/fsverity.h>
#include <dirent.h>
#include <errno.h>
#include <string.h>
/* malloc and free without <stdlib.h>: under _GNU_SOURCE it drags in <sys/select.h>, whose fd_set
   then differs from the one the Glibc and libmount modules see, and clang refuses the two. */
extern void *malloc(size_t size);
extern void free(void *ptr);
#include <unistd.h>
#include <sys/mman.h>

#ifndef AT_HANDLE_FID
#define AT_HANDLE_FID 0x200 /* include/uapi/linux/fcntl.h since 6.5; newer than this glibc */
#endif

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
/* FS_IOC_FIEMAP (FIEMAP_FLAG_SYNC) of the first 64 extents: how many, and how many carry
   FIEMAP_EXTENT_SHARED (a reflinked copy shares its blocks). */
static inline int clinux_fiemap_sharing(int fd, unsigned int *extents, unsigned int *shared) {
    unsigned long long buf[(sizeof(struct fiemap) + 64 * sizeof(struct fiemap_extent)) / 8 + 1];
    struct fiemap *fm = (struct fiemap *)buf;
    memset(buf, 0, sizeof(buf));
    fm->fm_length = ~0ULL;
    fm->fm_flags = FIEMAP_FLAG_SYNC;
    fm->fm_extent_count = 64;
    if (ioctl(fd, FS_IOC_FIEMAP, fm) != 0) return -1;
    *extents = fm->fm_mapped_extents;
    *shared = 0;
    for (unsigned int i = 0; i < fm->fm_mapped_extents; i++)
        if (fm->fm_extents[i].fe_flags & FIEMAP_EXTENT_SHARED) (*shared)++;
    return 0;
}
/* FS_IOC_ENABLE_VERITY with SHA-256, 4096-byte blocks, no salt and no signature (the model's
   VerityDigest computes the digest of exactly these parameters). */
static inline int clinux_enable_verity(int fd) {
    struct fsverity_enable_arg arg;
    memset(&arg, 0, sizeof(arg));
    arg.version = 1;
    arg.hash_algorithm = FS_VERITY_HASH_ALG_SHA256;
    arg.block_size = 4096;
    return ioctl(fd, FS_IOC_ENABLE_VERITY, &arg);
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

/* name_to_handle_at(2) into a caller buffer: the handle bytes, their count and the handle type. */
static inline int clinux_name_to_handle(const char *path, int fid, unsigned char *buf, unsigned int cap,
                                        unsigned int *len, int *type) {
    struct file_handle *fh = malloc(sizeof(*fh) + cap);
    if (!fh) { errno = ENOMEM; return -1; }
    fh->handle_bytes = cap;
    int mount_id;
    int r = name_to_handle_at(AT_FDCWD, path, fh, &mount_id, fid ? AT_HANDLE_FID : 0);
    if (r == 0) {
        memcpy(buf, fh->f_handle, fh->handle_bytes);
        *len = fh->handle_bytes;
        *type = fh->handle_type;
    }
    int saved = errno;
    free(fh);
    errno = saved;
    return r;
}

/* open_by_handle_at(2) of a handle given as bytes and type. */
static inline int clinux_open_by_handle(int mount_fd, const unsigned char *bytes, unsigned int len, int type, int flags) {
    struct file_handle *fh = malloc(sizeof(*fh) + len);
    if (!fh) { errno = ENOMEM; return -1; }
    fh->handle_bytes = len;
    fh->handle_type = type;
    memcpy(fh->f_handle, bytes, len);
    int r = open_by_handle_at(mount_fd, fh, flags);
    int saved = errno;
    free(fh);
    errno = saved;
    return r;
}

static inline int clinux_fstat(int fd, struct stat *st) { return fstat(fd, st); }

/* fcntl(F_SETLK) of a whole-file read lock (F_UNLCK to release). */
static inline int clinux_read_lock(int fd, int lock) {
    struct flock fl = { .l_type = lock ? F_RDLCK : F_UNLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    return fcntl(fd, F_SETLK, &fl);
}

/* Maps the first `size` bytes of `fd` (PROT_READ, MAP_SHARED), copies them to `out`, unmaps. */
static inline int clinux_mmap_read(int fd, size_t size, unsigned char *out) {
    void *p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return -1;
    memcpy(out, p, size);
    return munmap(p, size);
}

/* fork(2), which the Swift Glibc overlay may not expose. */
static inline pid_t clinux_fork(void) { return fork(); }
