// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/svipc/msg, /proc/svipc/sem, /proc/svipc/shm: one line per object
 * under a header, in exactly the layout of the native files of the same
 * names in /proc/sysvipc, so that tools which parse those can read these.
 *
 * Positions
 * ---------
 * As native: position 0 is the header, position n > 0 the first object
 * whose table index is n - 1 or more.  After showing the object at index
 * i the position becomes i + 2, so a read that resumes after objects
 * were added or removed goes on from the next index: nothing is listed
 * twice in one pass, and objects made meanwhile below that index are
 * not listed (as natively).
 *
 * Locking
 * -------
 * The lock order of obj.c (ids->rwsem, then obj->lock) holds:
 *
 *	seq_file->lock			(seq_read_iter, per open file)
 *	  ids->rwsem (read)		start() to stop()
 *	    shmem inode lock		shm: rss and swap, before obj->lock
 *	    obj->lock			while one line is made
 *	      sems[i].lock		sem: svipc_sem_lock_all()
 *
 * Holding ids->rwsem keeps every object in the table: removal takes it
 * for write (svipc_rmid; a segment the exit probe hides is reaped under
 * it too), so start() and next() find objects without their locks and
 * they cannot be freed before show() is done.  The
 * object's own lock is taken only inside show(), never across the
 * seq_file core, and show() neither sleeps nor touches user memory:
 * seq_read_iter() copies the buffer out after stop(), so no page fault
 * (mmap_lock, which shm.c orders before shm_ids.rwsem) happens under the
 * rwsem.  A semaphore set is locked as semctl does, with the set in
 * global mode, because semop's fast path changes a semaphore's otime
 * under that semaphore's lock only.
 *
 * As natively, a file lists the objects of the IPC namespace of the
 * task that opened it, with pids in that task's pid namespace and
 * uids/gids in the user namespace of its credentials (seq_user_ns).
 *
 * Lifetime
 * --------
 * proc_ops have no owner: remove_proc_entry() waits for running
 * operations and releases files still open, so once svipc_proc_exit()
 * has returned none of this code runs, and the tables may go.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/user_namespace.h>

#include "ns.h"
#include "sem.h"
#include "svipc.h"

struct svipc_proc_kind {
	const char *name;
	const char *header;
	size_t ids;			/* the table's offset in struct svipc_ns */
	/* Locks the object, prints its line, unlocks. */
	void (*show)(struct seq_file *s, struct svipc_obj *obj,
		     struct pid_namespace *pid_ns);
};

/* The private data of an open file. */
struct svipc_proc_iter {
	const struct svipc_proc_kind *kind;
	struct pid_namespace *pid_ns;	/* the opener's; a reference */
	/* The opener's IPC namespace, kept alive as native's file does. */
	struct ipc_namespace *ipc_ns;	/* a reference */
	struct svipc_ns *ns;		/* its tables; a reference */
};

static struct proc_dir_entry *svipc_proc_dir;		/* /proc/svipc/ */
static struct proc_dir_entry *svipc_sysvipc_dir;	/* /proc/sysvipc/, or NULL */

static void svipc_proc_show_msg(struct seq_file *s, struct svipc_obj *obj,
				struct pid_namespace *pid_ns)
{
	struct user_namespace *user_ns = seq_user_ns(s);
	struct svipc_msg_proc m;

	svipc_lock(obj);
	svipc_msg_proc_get(obj, &m);
	seq_printf(s,
		   "%10d %10d  %4o  %10lu %10lu %5u %5u %5u %5u %5u %5u %10llu %10llu %10llu\n",
		   obj->key, obj->id, obj->mode, m.cbytes, m.qnum,
		   pid_nr_ns(m.lspid, pid_ns), pid_nr_ns(m.lrpid, pid_ns),
		   from_kuid_munged(user_ns, obj->uid),
		   from_kgid_munged(user_ns, obj->gid),
		   from_kuid_munged(user_ns, obj->cuid),
		   from_kgid_munged(user_ns, obj->cgid),
		   m.stime, m.rtime, m.ctime);
	svipc_unlock(obj);
}

static void svipc_proc_show_sem(struct seq_file *s, struct svipc_obj *obj,
				struct pid_namespace *pid_ns)
{
	struct svipc_sem_array *sma = container_of(obj, struct svipc_sem_array, obj);
	struct user_namespace *user_ns = seq_user_ns(s);
	struct svipc_sem_proc m;

	svipc_sem_lock_all(sma);
	svipc_sem_proc_get(sma, &m);
	seq_printf(s,
		   "%10d %10d  %4o %10u %5u %5u %5u %5u %10llu %10llu\n",
		   obj->key, obj->id, obj->mode, m.nsems,
		   from_kuid_munged(user_ns, obj->uid),
		   from_kgid_munged(user_ns, obj->gid),
		   from_kuid_munged(user_ns, obj->cuid),
		   from_kgid_munged(user_ns, obj->cgid),
		   m.otime, m.ctime);
	svipc_sem_unlock_all(sma);
}

/*
 * Native widens size, rss and swap to 21 columns where long has 64 bits;
 * its header differs to match.
 */
#if BITS_PER_LONG <= 32
#define SVIPC_SHM_HEADER "       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime        rss       swap\n"
#define SVIPC_SHM_FORMAT "%10d %10d  %4o %10lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu %10llu %10lu %10lu\n"
#else
#define SVIPC_SHM_HEADER "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n"
#define SVIPC_SHM_FORMAT "%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu %10llu %21lu %21lu\n"
#endif

static void svipc_proc_show_shm(struct seq_file *s, struct svipc_obj *obj,
				struct pid_namespace *pid_ns)
{
	struct user_namespace *user_ns = seq_user_ns(s);
	struct svipc_shm_proc m;

	svipc_shm_proc_rss(obj, &m);
	svipc_lock(obj);
	svipc_shm_proc_get(obj, &m);
	/* The mode carries SHM_DEST and SHM_LOCKED; a SHM_DEST key is 0. */
	seq_printf(s, SVIPC_SHM_FORMAT,
		   obj->key, obj->id, obj->mode, (unsigned long)m.segsz,
		   pid_nr_ns(m.cpid, pid_ns), pid_nr_ns(m.lpid, pid_ns),
		   m.nattch,
		   from_kuid_munged(user_ns, obj->uid),
		   from_kgid_munged(user_ns, obj->gid),
		   from_kuid_munged(user_ns, obj->cuid),
		   from_kgid_munged(user_ns, obj->cgid),
		   m.atime, m.dtime, m.ctime,
		   m.rss * PAGE_SIZE, m.swp * PAGE_SIZE);
	svipc_unlock(obj);
}

static const struct svipc_proc_kind svipc_proc_kinds[] = {
	{
		.name = "msg",
		.header =
			"       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n",
		.ids = offsetof(struct svipc_ns, msg_ids),
		.show = svipc_proc_show_msg,
	},
	{
		.name = "sem",
		.header =
			"       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n",
		.ids = offsetof(struct svipc_ns, sem_ids),
		.show = svipc_proc_show_sem,
	},
	{
		.name = "shm",
		.header = SVIPC_SHM_HEADER,
		.ids = offsetof(struct svipc_ns, shm_ids),
		.show = svipc_proc_show_shm,
	},
};

static struct svipc_ids *svipc_proc_ids(struct seq_file *s)
{
	struct svipc_proc_iter *iter = s->private;

	return (struct svipc_ids *)((char *)iter->ns + iter->kind->ids);
}

/*
 * The object at position *@pos or, if that index is free, the next one;
 * *@pos moves to it.  NULL at the end, with *@pos left alone.
 */
static struct svipc_obj *svipc_proc_find(struct svipc_ids *ids, loff_t *pos)
{
	struct svipc_obj *obj;
	int idx;

	lockdep_assert_held(&ids->rwsem);
	/* Also bounds what idr_get_next() is given. */
	if (*pos < 1 || *pos > SVIPC_MNI)
		return NULL;
	idx = *pos - 1;
	obj = idr_get_next(&ids->idr, &idx);
	if (obj)
		*pos = idx + 1;
	return obj;
}

/* Takes ids->rwsem for read; stop() drops it, whatever start() returned. */
static void *svipc_proc_start(struct seq_file *s, loff_t *pos)
{
	struct svipc_ids *ids = svipc_proc_ids(s);

	svipc_ids_down_read(ids);
	if (!*pos)
		return SEQ_START_TOKEN;
	return svipc_proc_find(ids, pos);
}

static void *svipc_proc_next(struct seq_file *s, void *it, loff_t *pos)
{
	++*pos;
	return svipc_proc_find(svipc_proc_ids(s), pos);
}

static void svipc_proc_stop(struct seq_file *s, void *it)
{
	up_read(&svipc_proc_ids(s)->rwsem);
}

static int svipc_proc_show(struct seq_file *s, void *it)
{
	struct svipc_proc_iter *iter = s->private;

	if (it == SEQ_START_TOKEN)
		seq_puts(s, iter->kind->header);
	else
		iter->kind->show(s, it, iter->pid_ns);
	return 0;
}

static const struct seq_operations svipc_proc_seq_ops = {
	.start = svipc_proc_start,
	.next = svipc_proc_next,
	.stop = svipc_proc_stop,
	.show = svipc_proc_show,
};

static int svipc_proc_open(struct inode *inode, struct file *file)
{
	struct svipc_proc_iter *iter;
	struct svipc_ns *ns;

	ns = svipc_ns_current();
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	iter = __seq_open_private(file, &svipc_proc_seq_ops, sizeof(*iter));
	if (!iter)
		return -ENOMEM;
	iter->kind = pde_data(inode);
	/* As native: the opener's view, whoever reads the file later. */
	iter->pid_ns = get_pid_ns(task_active_pid_ns(current));
	iter->ipc_ns = svipc_ipc_ns_get_current();
	iter->ns = svipc_ns_get(ns);
	return 0;
}

static int svipc_proc_release(struct inode *inode, struct file *file)
{
	struct seq_file *s = file->private_data;
	struct svipc_proc_iter *iter = s->private;

	put_pid_ns(iter->pid_ns);
	svipc_ns_put(iter->ns);
	svipc_ipc_ns_put(iter->ipc_ns);
	return seq_release_private(inode, file);
}

/* Not PROC_ENTRY_PERMANENT: removal must be able to run open files down. */
static const struct proc_ops svipc_proc_ops = {
	.proc_open = svipc_proc_open,
	.proc_read_iter = seq_read_iter,
	.proc_lseek = seq_lseek,
	.proc_release = svipc_proc_release,
};

static struct proc_dir_entry *svipc_proc_mkdir(const char *name)
{
	struct proc_dir_entry *dir;
	unsigned int i;

	dir = proc_mkdir(name, NULL);
	if (!dir)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(svipc_proc_kinds); i++) {
		const struct svipc_proc_kind *kind = &svipc_proc_kinds[i];

		/* World-readable and owned by root, as /proc/sysvipc/ is. */
		if (!proc_create_data(kind->name, 0444, dir, &svipc_proc_ops,
				      (void *)kind)) {
			proc_remove(dir);
			return NULL;
		}
	}
	return dir;
}

/* Called once every table is ready; a failure fails the module load. */
int svipc_proc_init(void)
{
	/* Without procfs there is nothing to show, and nothing to fail. */
	if (!IS_ENABLED(CONFIG_PROC_FS))
		return 0;
	svipc_proc_dir = svipc_proc_mkdir("svipc");
	if (!svipc_proc_dir)
		return -ENOMEM;
	/*
	 * Where the kernel has none, /proc/sysvipc/ too, for ipcs and the
	 * other readers of native's files.  The name is free: a kernel
	 * without System V IPC registers nothing there.
	 */
	if (SVIPC_NATIVE_INTERFACES) {
		svipc_sysvipc_dir = svipc_proc_mkdir("sysvipc");
		if (!svipc_sysvipc_dir) {
			svipc_proc_exit();
			return -ENOMEM;
		}
	}
	return 0;
}

/* Called before any table is torn down. */
void svipc_proc_exit(void)
{
	/* Removes the files too, after running their open files down. */
	proc_remove(svipc_sysvipc_dir);
	svipc_sysvipc_dir = NULL;
	proc_remove(svipc_proc_dir);
	svipc_proc_dir = NULL;
}
