/* SPDX-License-Identifier: GPL-2.0 */
/* Entry points of each kind, called from the ioctl dispatch in main.c. */
#ifndef SVIPC_SVIPC_H
#define SVIPC_SVIPC_H

#include <linux/uaccess.h>

#include "obj.h"

struct tracepoint;
struct svipc_ns;

/*
 * The kernel has no System V IPC of its own: svipc also stands in for
 * its interfaces to the rest of the system, /proc/sysvipc/ and the
 * kernel.* sysctls (proc.c, limits.c).  Where native exists, those stay
 * native's and svipc keeps to /proc/svipc/ and /proc/sys/svipc/.
 */
#define SVIPC_NATIVE_INTERFACES	(!IS_ENABLED(CONFIG_SYSVIPC))

/*
 * Copy an ioctl's argument block in: @dst is the kernel copy of the
 * structure @uarg points to.  Every block of the ABI is a whole number of
 * __u64 words, so it is read word by word inside one user-access window.
 * The generic copy_from_user() is an out-of-line call that runs the
 * string-copy routine for some thirty bytes; on a call that fails at once
 * it was a third of what svipc adds to the kernel's own ioctl path (see
 * README, "Performance").  A fault gives -EFAULT and leaves @dst partly
 * written, which no caller reads then.
 */
#define svipc_get_args(dst, uarg)					\
	({								\
		typeof(dst) __ga_dst = (dst);				\
		typeof(uarg) __ga_src = (uarg);				\
									\
		BUILD_BUG_ON(sizeof(*__ga_dst) != sizeof(*__ga_src));	\
		__svipc_get_args((u64 *)__ga_dst,			\
				 (const u64 __user *)__ga_src,		\
				 sizeof(*__ga_dst));			\
	})

static __always_inline int __svipc_get_args(u64 *dst, const u64 __user *src,
					    size_t size)
{
	size_t i;

	BUILD_BUG_ON(size % sizeof(u64));
	if (!user_access_begin(src, size))
		return -EFAULT;
	for (i = 0; i < size / sizeof(u64); i++)
		unsafe_get_user(dst[i], &src[i], fault);
	user_access_end();
	return 0;
fault:
	user_access_end();
	return -EFAULT;
}

/* @ns: the caller's namespace (svipc_ns_current). */
int svipc_msgget(struct svipc_ns *ns, key_t key, int msgflg);
long svipc_msgsnd_ioctl(struct svipc_ns *ns, struct svipc_msgsnd __user *uarg);
long svipc_msgrcv_ioctl(struct svipc_ns *ns, struct svipc_msgrcv __user *uarg);
long svipc_msgctl_ioctl(struct svipc_ns *ns, struct svipc_ctl __user *uarg);

int svipc_sem_init(void);
void svipc_sem_stop_exit_probe(void);
long svipc_semget_ioctl(struct svipc_ns *ns, struct svipc_get __user *uarg);
long svipc_semop_ioctl(struct svipc_ns *ns, struct svipc_semop __user *uarg);
long svipc_semctl_ioctl(struct svipc_ns *ns, struct svipc_ctl __user *uarg);

int svipc_shm_init(void);
void svipc_shm_stop_exit_probe(void);
void svipc_shm_exit(void);
long svipc_shmget_ioctl(struct svipc_ns *ns, struct svipc_get __user *uarg);
long svipc_shmat_ioctl(struct svipc_ns *ns, struct svipc_shmat __user *uarg);
long svipc_shmdt_ioctl(struct svipc_shmdt __user *uarg);
long svipc_shmctl_ioctl(struct svipc_ns *ns, struct svipc_ctl __user *uarg);
void svipc_shm_destroy_orphans(struct svipc_ns *ns);

/* shm_huge.c: SHM_HUGETLB segments' hugetlbfs files. */
struct file;
struct file *svipc_shm_huge_setup(const char *name, size_t size, int shmflg);
unsigned long svipc_shm_huge_rss(struct file *file);
void svipc_shm_huge_init(void);
void svipc_shm_huge_exit(void);

/* obj.c: the sched_process_exit tracepoint, or NULL. */
struct tracepoint *svipc_exit_tracepoint(void);

/*
 * /proc/svipc/{msg,sem,shm} (proc.c).  Each kind lends its table and
 * fills in, under the object's lock, the fields of a line beyond the
 * svipc_obj part; the pids stay valid until that lock is dropped.
 */
struct svipc_sem_array;

struct svipc_msg_proc {
	unsigned long cbytes;
	unsigned long qnum;
	struct pid *lspid;
	struct pid *lrpid;
	time64_t stime;
	time64_t rtime;
	time64_t ctime;
};

struct svipc_sem_proc {
	int nsems;
	time64_t otime;
	time64_t ctime;
};

struct svipc_shm_proc {
	size_t segsz;
	struct pid *cpid;
	struct pid *lpid;
	unsigned long nattch;
	time64_t atime;
	time64_t dtime;
	time64_t ctime;
	unsigned long rss;		/* pages */
	unsigned long swp;		/* pages */
};

void svipc_msg_proc_get(struct svipc_obj *obj, struct svipc_msg_proc *p);
void svipc_sem_proc_get(struct svipc_sem_array *sma, struct svipc_sem_proc *p);
void svipc_shm_proc_rss(struct svipc_obj *obj, struct svipc_shm_proc *p);
void svipc_shm_proc_get(struct svipc_obj *obj, struct svipc_shm_proc *p);

int svipc_proc_init(void);
void svipc_proc_exit(void);

/* /proc/sys/svipc and SVIPC_IOC_LIMIT: a namespace's limits (limits.c). */
int svipc_sysctl_init(void);
void svipc_sysctl_exit(void);
long svipc_limit_ioctl(struct svipc_ns *ns, struct svipc_limit __user *uarg);

#endif /* SVIPC_SVIPC_H */
