// SPDX-License-Identifier: GPL-2.0
/*
 * svipc shared memory: shmget, shmat, shmdt, shmctl.
 *
 * Backing and mapping
 * -------------------
 * Each segment is a shmem file (shmem_kernel_file_setup where exported,
 * else shmem_file_setup: the inode is then not private), so its pages are
 * allocated on first touch, swappable and charged like native SysV shm.
 *
 * shmat makes an "attach file" for the call: a new struct file on the
 * segment's dentry (dentry_open, as native's alloc_file_clone), opened
 * read-only for SHM_RDONLY, with svipc's own file operations, and maps
 * it with vm_mmap().  Its mmap handler lets
 * shmem set the VMA up, then puts svipc's vm_ops in front of shmem's, so
 * that open (fork, split) and close (munmap, exit, exec) count nattch.
 * The VMA keeps the attach file; it is shared file memory to the core mm,
 * the same as a native attach, and shmdt finds its attaches by that file.
 * Userspace never gets a descriptor for it, and /dev/svipc itself has no
 * mmap: the only way to map a segment is the SHMAT ioctl, which checks
 * permissions first.
 *
 * Unload
 * ------
 * Segments do not pin the module; attach files do (each holds a module
 * reference, dropped by the last fput after ->release), so rmmod is
 * refused while any mapping exists.  Unload destroys the segments that
 * are left, which are then all unattached.
 *
 * Locking
 * -------
 * Lock order (outermost first):
 *
 *	mmap_lock, svipc_ns_mutex	(the caller's mm; ns.c's)
 *	  shm_ids.rwsem			(of the segment's namespace)
 *	    hugetlbfs mount and inodes	(shmget's SHM_HUGETLB, shm_huge.c:
 *					 a new private mount, its s_umount,
 *					 its root's and its file's i_rwsem)
 *	    seg->obj.lock
 *	      shm_creator_lock, shm_mlock_lock	(leaves)
 *	      shmem inode lock		(leaf; rss and swap for /proc)
 *
 * mmap_lock and svipc_ns_mutex are never held together.
 *
 * VMA close runs under mmap_lock and may destroy the segment, which needs
 * shm_ids.rwsem; so nothing may fault on user memory or map while holding
 * shm_ids.rwsem: shmat maps with no svipc lock held, holding a temporary
 * nattch so the segment cannot be destroyed meanwhile, and shmctl copies
 * to and from user memory outside the locks.  seg->obj.lock protects the
 * fields marked [lock] below; nattch changes under it.  A decrement that
 * may destroy (the last attach of a segment marked for removal, or any
 * last attach under shm_rmid_forced) also holds shm_ids.rwsem for write;
 * once a segment is marked, nattch reaches 0 only under the rwsem.
 *
 * seg->obj.lock is a raw_spinlock_t (the exit probe takes it), and so
 * are the two leaves: nothing under them sleeps or frees.  Capability
 * checks are made before the lock is taken, and the shmem inode's lock
 * (a spinlock_t) is taken only under shm_ids.rwsem, never under them.
 *
 * Creators and shm_rmid_forced
 * ----------------------------
 * As native, the creating thread is remembered until it exits; a segment
 * whose creator has gone is an orphan.  With shm_rmid_forced set, an
 * unattached segment is destroyed when its creator exits, and every
 * segment is destroyed when its last attach goes.
 *
 * The exit is seen by the sched_process_exit tracepoint (see undo.c),
 * which fires where native calls exit_shm(): after exit_mm() has dropped
 * the thread's own attaches and before exit_files().  The probe runs
 * with preemption disabled and cannot take shm_ids.rwsem, so it removes
 * in two steps: under the segment's lock it takes the segment out of
 * sight (svipc_mark_removed: no lookup by id or key finds it from then
 * on, and every path that locks it sees it gone), and it queues
 * shm_reap_work.  The rest (out of the table, the shmem file, the
 * SHM_LOCK charge) is done by the next holder of shm_ids.rwsem, the work
 * or whoever comes first (shm_reap).  So a peer that sees the creator's
 * descriptors closed also sees the segment gone, as natively; its pages
 * are freed once the reap has dropped the file, a moment later.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/falloc.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/ipc_namespace.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/shm.h>
#include <uapi/linux/shm.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/workqueue.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include "limits.h"
#include "ns.h"
#include "svipc.h"

/* Who is charged for a SHM_LOCK, against RLIMIT_MEMLOCK. */
struct shm_mlock_user {
	struct hlist_node node;		/* shm_mlock_users */
	kuid_t uid;
	unsigned long pages;		/* locked pages charged to uid */
	unsigned int segs;		/* segments holding a charge */
};

struct svipc_shm {
	struct svipc_obj obj;		/* mode carries SVIPC_SHM_DEST, SVIPC_SHM_LOCKED */
	struct file *file;		/* [lock] shmem file; NULL once destroyed */
	size_t segsz;			/* [const] */
	bool huge;			/* [const] SHM_HUGETLB: a hugetlbfs file */
	unsigned long nattch;		/* [lock] */
	time64_t atime;			/* [lock] */
	time64_t dtime;			/* [lock] */
	time64_t ctime;			/* [lock] */
	struct pid *cpid;		/* [const] */
	struct pid *lpid;		/* [lock] */
	struct shm_mlock_user *mlock_user;	/* [lock] set iff SVIPC_SHM_LOCKED */
	/* The creating thread, as a key only: never dereferenced. */
	const struct task_struct *creator;	/* [shm_creator_lock] */
	struct hlist_node creator_node;		/* [shm_creator_lock] */
	struct svipc_shm *exit_next;		/* the exit probe's own list */
};

/* One per shmat: the private data of the attach file. */
struct shm_attach {
	struct svipc_shm *seg;		/* holds a reference */
	struct file *file;		/* the segment's shmem file, a reference */
	/* As native: an attach keeps the segment's namespace alive. */
	struct ipc_namespace *ipc_ns;	/* a reference */
	const struct vm_operations_struct *vm_ops;	/* shmem's */
};

static bool shm_ready;			/* the initial namespace is usable */

/* Segments by creating thread; see "Creators" above. */
static DEFINE_RAW_SPINLOCK(shm_creator_lock);
static DEFINE_HASHTABLE(shm_creators, 6);	/* under shm_creator_lock */
static atomic_t shm_nr_creators = ATOMIC_INIT(0);
static struct tracepoint *shm_exit_tp;

/* SHM_LOCK charges, per real uid. */
static DEFINE_RAW_SPINLOCK(shm_mlock_lock);
static DEFINE_HASHTABLE(shm_mlock_users, 4);	/* under shm_mlock_lock */

static const struct file_operations shm_attach_fops;
static void shm_reap_fn(struct work_struct *work);
static DECLARE_WORK(shm_reap_work, shm_reap_fn);

static struct svipc_shm *to_shm(struct svipc_obj *obj)
{
	return container_of(obj, struct svipc_shm, obj);
}

static unsigned long shm_pages(size_t size)
{
	return (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

static void shm_free_rcu(struct rcu_head *head)
{
	struct svipc_shm *seg = container_of(head, struct svipc_shm, obj.rcu);

	put_pid(seg->cpid);
	put_pid(seg->lpid);
	kfree(seg);
}

/* ---- SHM_LOCK accounting ------------------------------------------- */

/*
 * Charge @seg's pages to the caller's real uid, as native charges its
 * ucounts; @cap: the caller has CAP_IPC_LOCK, which lifts the limit.
 * @spare is a preallocated entry, consumed if needed.  Caller holds
 * seg->obj.lock.
 */
static int shm_charge(struct svipc_shm *seg, struct shm_mlock_user **spare,
		      bool cap)
{
	unsigned long pages = shm_pages(seg->segsz);
	unsigned long limit = rlimit(RLIMIT_MEMLOCK);
	kuid_t uid = current_uid();
	struct shm_mlock_user *u = NULL, *it;
	int err = 0;

	if (limit != RLIM_INFINITY)
		limit >>= PAGE_SHIFT;
	raw_spin_lock(&shm_mlock_lock);
	hash_for_each_possible(shm_mlock_users, it, node, __kuid_val(uid))
		if (uid_eq(it->uid, uid))
			u = it;
	if (!u) {
		u = *spare;
		*spare = NULL;
		u->uid = uid;
		hash_add(shm_mlock_users, &u->node, __kuid_val(uid));
	}
	if ((u->pages + pages < u->pages || u->pages + pages > limit) && !cap) {
		err = -ENOMEM;
	} else {
		u->pages += pages;
		u->segs++;
		seg->mlock_user = u;
	}
	if (!u->segs) {
		hash_del(&u->node);
		*spare = u;
	}
	raw_spin_unlock(&shm_mlock_lock);
	return err;
}

/* Caller holds seg->obj.lock; returns an entry to free, or NULL. */
static struct shm_mlock_user *shm_uncharge(struct svipc_shm *seg)
{
	struct shm_mlock_user *u = seg->mlock_user;

	seg->mlock_user = NULL;
	raw_spin_lock(&shm_mlock_lock);
	u->pages -= shm_pages(seg->segsz);
	if (--u->segs)
		u = NULL;
	else
		hash_del(&u->node);
	raw_spin_unlock(&shm_mlock_lock);
	return u;
}

/*
 * What native's shmem_lock() does to the inode: VM_LOCKED keeps shmem
 * from writing pages out, an unevictable mapping keeps reclaim away.
 * shmem serialises nothing here: the caller holds seg->obj.lock, or is
 * destroying the segment.
 */
static void shm_set_mlocked(struct file *file, bool on)
{
	struct shmem_inode_info *info = SHMEM_I(file_inode(file));

	if (on) {
		info->flags |= VM_LOCKED;
		mapping_set_unevictable(file->f_mapping);
	} else {
		info->flags &= ~VM_LOCKED;
		mapping_clear_unevictable(file->f_mapping);
	}
}

/* After SHM_UNLOCK: put pages stranded on the unevictable list back. */
static void shm_unlock_mapping(struct address_space *mapping)
{
	struct folio_batch fbatch;
	pgoff_t index = 0;

	folio_batch_init(&fbatch);
	while (!mapping_unevictable(mapping) &&
	       filemap_get_folios(mapping, &index, ~0UL, &fbatch)) {
		check_move_unevictable_folios(&fbatch);
		folio_batch_release(&fbatch);
		cond_resched();
	}
}

/* ---- creators -------------------------------------------------------- */

static void shm_forget_creator(struct svipc_shm *seg)
{
	raw_spin_lock(&shm_creator_lock);
	if (!hlist_unhashed(&seg->creator_node)) {
		hash_del(&seg->creator_node);
		seg->creator = NULL;
		atomic_dec(&shm_nr_creators);
	}
	raw_spin_unlock(&shm_creator_lock);
}

static bool shm_is_orphan(struct svipc_shm *seg)
{
	bool orphan;

	raw_spin_lock(&shm_creator_lock);
	orphan = !seg->creator;
	raw_spin_unlock(&shm_creator_lock);
	return orphan;
}

/* ---- lifetime -------------------------------------------------------- */

/* Goes when its last attach does: IPC_RMID was asked, or rmid_forced. */
static bool shm_goes_at_last_detach(struct svipc_shm *seg)
{
	return svipc_lim(seg->obj.ns, shm_rmid_forced) ||
	       (seg->obj.mode & SVIPC_SHM_DEST);
}

static bool shm_may_destroy(struct svipc_shm *seg)
{
	return !seg->nattch && shm_goes_at_last_detach(seg);
}

/*
 * Take the segment out of the table and drop the table's reference.
 * Caller holds shm_ids.rwsem for write and seg->obj.lock, which this
 * releases.
 */
static void shm_destroy(struct svipc_shm *seg)
	__releases(&seg->obj.raw_lock)
{
	struct shm_mlock_user *u = NULL;
	struct file *file = seg->file;
	struct svipc_ns *ns = seg->obj.ns;

	lockdep_assert_held_write(&ns->shm_ids.rwsem);
	ns->shm_tot -= shm_pages(seg->segsz);
	shm_forget_creator(seg);
	if (seg->mlock_user) {
		u = shm_uncharge(seg);
		shm_set_mlocked(file, false);
	}
	svipc_rmid(&ns->shm_ids, &seg->obj);
	seg->file = NULL;
	svipc_unlock(&seg->obj);
	kfree(u);
	fput(file);
	svipc_putref(&seg->obj, shm_free_rcu);
}

/* ops->reap: finish what the exit probe began.  Under shm_ids.rwsem. */
static void shm_reap(struct svipc_obj *obj)
{
	svipc_lock(obj);
	shm_destroy(to_shm(obj));
}

static void shm_reap_ns(struct svipc_ns *ns)
{
	if (llist_empty(&ns->shm_ids.reap))
		return;
	svipc_ids_down_write(&ns->shm_ids);
	up_write(&ns->shm_ids.rwsem);
}

static void shm_reap_fn(struct work_struct *work)
{
	svipc_ns_for_each(shm_reap_ns);
}

/*
 * Caller holds seg->obj.lock.  False if the segment is gone, which
 * cannot happen while it is attached; keep the WARN cheap.
 */
static bool shm_detach_locked(struct svipc_shm *seg, bool vma)
{
	if (WARN_ON_ONCE(!svipc_valid(&seg->obj) || !seg->nattch))
		return false;
	if (vma) {
		svipc_set_pid(&seg->lpid, task_tgid(current));
		seg->dtime = ktime_get_real_seconds();
	}
	seg->nattch--;
	return true;
}

/*
 * One attach fewer: a VMA closed, or shmat's temporary hold ended.
 * Destroying needs shm_ids.rwsem, and native takes it on every detach;
 * here only a detach that may destroy does.  The decision is made under
 * seg->obj.lock, where IPC_RMID and shmat see nattch too, so a detach
 * that leaves other attaches, or a segment not marked for removal,
 * never touches the global lock.
 */
static void shm_detach(struct svipc_shm *seg, bool vma)
{
	struct svipc_ns *ns = seg->obj.ns;

	svipc_lock(&seg->obj);
	if (seg->nattch > 1 || !shm_goes_at_last_detach(seg)) {
		shm_detach_locked(seg, vma);
		svipc_unlock(&seg->obj);
		return;
	}
	svipc_unlock(&seg->obj);

	svipc_ids_down_write(&ns->shm_ids);
	svipc_lock(&seg->obj);
	if (shm_detach_locked(seg, vma) && shm_may_destroy(seg))
		shm_destroy(seg);
	else
		svipc_unlock(&seg->obj);
	up_write(&ns->shm_ids.rwsem);
}

/* ---- shmget ---------------------------------------------------------- */

static int shm_limit(struct svipc_ns *ns)
{
	return svipc_lim(ns, shmmni);
}

/* Called with shm_ids.rwsem held for write. */
static struct svipc_obj *shm_alloc(struct svipc_ns *ns,
				   const struct svipc_get_params *p)
{
	unsigned long pages, flags = 0;
	struct svipc_shm *seg;
	struct file *file;
	char name[13];
	size_t size;

	/* The ABI carries a u64; a 32-bit size_t caller never exceeds it. */
	if (p->size > SIZE_MAX)
		return ERR_PTR(-EINVAL);
	size = p->size;
	if (size < SHMMIN || size > svipc_lim(ns, shmmax))
		return ERR_PTR(-EINVAL);
	pages = shm_pages(size);
	if (pages << PAGE_SHIFT < size)
		return ERR_PTR(-ENOSPC);
	if (ns->shm_tot + pages < ns->shm_tot ||
	    ns->shm_tot + pages > svipc_lim(ns, shmall))
		return ERR_PTR(-ENOSPC);

	seg = kzalloc(sizeof(*seg), GFP_KERNEL_ACCOUNT);
	if (!seg)
		return ERR_PTR(-ENOMEM);
	snprintf(name, sizeof(name), "SYSV%08x", p->key);
	if (p->flg & SHM_HUGETLB) {
		/* A file of size rounded up to the huge page (shm_huge.c). */
		file = svipc_shm_huge_setup(name, size, p->flg);
		seg->huge = true;
	} else {
		/*
		 * Native ignores SHM_NORESERVE under overcommit mode 2,
		 * which a module cannot read; shmem still accounts each
		 * page as it comes.
		 */
		if (p->flg & SHM_NORESERVE)
			flags = VM_NORESERVE;
#ifdef SVIPC_HAVE_SHMEM_KERNEL_FILE_SETUP
		/* As native: a private inode, which LSMs leave unchecked. */
		file = shmem_kernel_file_setup(name, size, flags);
#else
		file = shmem_file_setup(name, size, flags);
#endif
	}
	if (IS_ERR(file)) {
		kfree(seg);
		return ERR_CAST(file);
	}
	seg->file = file;
	seg->segsz = size;
	seg->ctime = ktime_get_real_seconds();
	seg->cpid = get_pid(task_tgid(current));
	INIT_HLIST_NODE(&seg->creator_node);
	ns->shm_tot += pages;
	return &seg->obj;
}

static void shm_free_unpublished(struct svipc_obj *obj)
{
	struct svipc_shm *seg = to_shm(obj);

	obj->ns->shm_tot -= shm_pages(seg->segsz);
	fput(seg->file);
	put_pid(seg->cpid);
	kfree(seg);
}

static int shm_more_checks(struct svipc_obj *obj, const struct svipc_get_params *p)
{
	return to_shm(obj)->segsz < p->size ? -EINVAL : 0;
}

static void shm_published(struct svipc_obj *obj)
{
	struct svipc_shm *seg = to_shm(obj);

	/* As native: tools read the shmid as the inode number in maps. */
	file_inode(seg->file)->i_ino = obj->id;
	raw_spin_lock(&shm_creator_lock);
	seg->creator = current;
	hash_add(shm_creators, &seg->creator_node, (unsigned long)current);
	atomic_inc(&shm_nr_creators);
	raw_spin_unlock(&shm_creator_lock);
}

static const struct svipc_kind_ops shm_ops = {
	.limit = shm_limit,
	.alloc = shm_alloc,
	.free_unpublished = shm_free_unpublished,
	.more_checks = shm_more_checks,
	.published = shm_published,
	.reap = shm_reap,
	/* The exit probe locks segments: see "Creators" above. */
	.raw_lock = true,
	.pin_module = false,
};

long svipc_shmget_ioctl(struct svipc_ns *ns, struct svipc_get __user *uarg)
{
	struct svipc_get_params p;
	struct svipc_get a;

	if (svipc_get_args(&a, uarg))
		return -EFAULT;
	if (a.resv)
		return -EINVAL;
	p.key = a.key;
	p.flg = a.flags;
	p.size = a.size;
	return svipc_get(&ns->shm_ids, &p);
}

/* ---- the attach file and its VMAs ------------------------------------ */

static struct shm_attach *vma_attach(struct vm_area_struct *vma)
{
	return vma->vm_file->private_data;
}

/* fork copies the VMA, or a split makes a second one. */
static void shm_vm_open(struct vm_area_struct *vma)
{
	struct shm_attach *sfd = vma_attach(vma);
	struct svipc_shm *seg = sfd->seg;

	if (sfd->vm_ops->open)
		sfd->vm_ops->open(vma);
	svipc_lock(&seg->obj);
	WARN_ON_ONCE(!svipc_valid(&seg->obj));
	seg->atime = ktime_get_real_seconds();
	svipc_set_pid(&seg->lpid, task_tgid(current));
	seg->nattch++;
	svipc_unlock(&seg->obj);
}

static void shm_vm_close(struct vm_area_struct *vma)
{
	struct shm_attach *sfd = vma_attach(vma);

	if (sfd->vm_ops->close)
		sfd->vm_ops->close(vma);
	shm_detach(sfd->seg, true);
}

static vm_fault_t shm_vm_fault(struct vm_fault *vmf)
{
	return vma_attach(vmf->vma)->vm_ops->fault(vmf);
}

static int shm_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	const struct vm_operations_struct *ops = vma_attach(vma)->vm_ops;

	return ops->may_split ? ops->may_split(vma, addr) : 0;
}

static unsigned long shm_vm_pagesize(struct vm_area_struct *vma)
{
	const struct vm_operations_struct *ops = vma_attach(vma)->vm_ops;

	return ops->pagesize ? ops->pagesize(vma) : PAGE_SIZE;
}

#ifdef CONFIG_NUMA
static int shm_vm_set_policy(struct vm_area_struct *vma, struct mempolicy *new)
{
	const struct vm_operations_struct *ops = vma_attach(vma)->vm_ops;

	return ops->set_policy ? ops->set_policy(vma, new) : 0;
}

/* Kbuild defines SVIPC_GET_POLICY_ILX for kernels from 6.7 on. */
#ifdef SVIPC_GET_POLICY_ILX
static struct mempolicy *shm_vm_get_policy(struct vm_area_struct *vma,
					   unsigned long addr, pgoff_t *ilx)
{
	const struct vm_operations_struct *ops = vma_attach(vma)->vm_ops;

	return ops->get_policy ? ops->get_policy(vma, addr, ilx) : NULL;
}
#else
static struct mempolicy *shm_vm_get_policy(struct vm_area_struct *vma,
					   unsigned long addr)
{
	const struct vm_operations_struct *ops = vma_attach(vma)->vm_ops;

	return ops->get_policy ? ops->get_policy(vma, addr) : vma->vm_policy;
}
#endif
#endif

/* Forwards to shmem's operations, as native shm_vm_ops does. */
static const struct vm_operations_struct shm_vm_ops = {
	.open = shm_vm_open,
	.close = shm_vm_close,
	.fault = shm_vm_fault,
	.may_split = shm_vm_may_split,
	.pagesize = shm_vm_pagesize,
#ifdef CONFIG_NUMA
	.set_policy = shm_vm_set_policy,
	.get_policy = shm_vm_get_policy,
#endif
};

/*
 * Reached only through shmat's vm_mmap() (or remap_file_pages() on an
 * existing attach): the attach file is never installed in a descriptor.
 */
static int shm_attach_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct shm_attach *sfd = file->private_data;
	struct svipc_shm *seg = sfd->seg;
	int err;

	svipc_lock(&seg->obj);
	if (!svipc_valid(&seg->obj)) {
		svipc_unlock(&seg->obj);
		return -EINVAL;
	}
	seg->atime = ktime_get_real_seconds();
	svipc_set_pid(&seg->lpid, task_tgid(current));
	seg->nattch++;
	svipc_unlock(&seg->obj);

	err = sfd->file->f_op->mmap(sfd->file, vma);
	if (err) {
		shm_detach(seg, false);
		return err;
	}
	/* shmem's operations: the same on every call for one kernel. */
	sfd->vm_ops = vma->vm_ops;
	vma->vm_ops = &shm_vm_ops;
	return 0;
}

static void shm_attach_free(struct shm_attach *sfd)
{
	svipc_ipc_ns_put(sfd->ipc_ns);
	fput(sfd->file);
	svipc_putref(&sfd->seg->obj, shm_free_rcu);
	kfree(sfd);
}

static int shm_attach_release(struct inode *inode, struct file *file)
{
	shm_attach_free(file->private_data);
	return 0;
}

/* msync(MS_SYNC) and madvise(MADV_REMOVE) reach these, as natively. */
static int shm_attach_fsync(struct file *file, loff_t start, loff_t end,
			    int datasync)
{
	struct shm_attach *sfd = file->private_data;

	if (!sfd->file->f_op->fsync)
		return -EINVAL;
	return sfd->file->f_op->fsync(sfd->file, start, end, datasync);
}

static long shm_attach_fallocate(struct file *file, int mode, loff_t offset,
				 loff_t len)
{
	struct shm_attach *sfd = file->private_data;

	if (!sfd->file->f_op->fallocate)
		return -EOPNOTSUPP;
	return sfd->file->f_op->fallocate(file, mode, offset, len);
}

static unsigned long shm_attach_get_unmapped_area(struct file *file,
						  unsigned long addr,
						  unsigned long len,
						  unsigned long pgoff,
						  unsigned long flags)
{
	struct shm_attach *sfd = file->private_data;

	return sfd->file->f_op->get_unmapped_area(sfd->file, addr, len, pgoff,
						  flags);
}

static const struct file_operations shm_attach_fops = {
	.owner = THIS_MODULE,
	.mmap = shm_attach_mmap,
	.release = shm_attach_release,
	.fsync = shm_attach_fsync,
	.fallocate = shm_attach_fallocate,
	.get_unmapped_area = shm_attach_get_unmapped_area,
	.llseek = noop_llseek,
};

/*
 * A new attach file on @seg's own dentry, as native's alloc_file_clone()
 * (which modules cannot call): dentry_open() gives a file on the same
 * path without making a dentry per attach, then svipc's operations
 * replace shmem's.  The file takes over @sfd and holds a module
 * reference, dropped by __fput() after ->release.
 */
static struct file *shm_attach_file(struct shm_attach *sfd, int fflags)
{
	struct file *file;

	file = dentry_open(&sfd->file->f_path, fflags | O_LARGEFILE,
			   current_cred());
	if (IS_ERR(file))
		return file;
	__module_get(THIS_MODULE);
	replace_fops(file, &shm_attach_fops);
	file->private_data = sfd;
	return file;
}

/* ---- shmat ----------------------------------------------------------- */

static long shm_do_shmdt(unsigned long addr);

static long shm_do_shmat(struct svipc_ns *ns, int shmid, unsigned long addr,
			 int shmflg, unsigned long *raddr)
{
	unsigned long flags = MAP_SHARED, prot, size, ret;
	struct shm_attach *sfd;
	struct svipc_obj *obj;
	struct svipc_shm *seg;
	struct file *file;
	int fflags, err;
	short acc;

	if (shmid < 0)
		return -EINVAL;
	if (addr) {
		if (addr & (SHMLBA - 1)) {
			if (!(shmflg & SHM_RND))
				return -EINVAL;
			addr &= ~(SHMLBA - 1);
			/* SHM_REMAP must not end up replacing page 0. */
			if (!addr && (shmflg & SHM_REMAP))
				return -EINVAL;
		}
		flags |= MAP_FIXED;
	} else if (shmflg & SHM_REMAP) {
		return -EINVAL;
	}

	if (shmflg & SHM_RDONLY) {
		prot = PROT_READ;
		acc = 0444;
		fflags = O_RDONLY;
	} else {
		prot = PROT_READ | PROT_WRITE;
		acc = 0666;
		fflags = O_RDWR;
	}
	if (shmflg & SHM_EXEC) {
		prot |= PROT_EXEC;
		acc |= 0111;
	}

	rcu_read_lock();
	obj = svipc_obtain_check(&ns->shm_ids, shmid);
	if (IS_ERR(obj)) {
		rcu_read_unlock();
		return PTR_ERR(obj);
	}
	if (svipc_perms(obj, acc)) {
		rcu_read_unlock();
		return -EACCES;
	}
	seg = to_shm(obj);
	svipc_lock(obj);
	if (!svipc_valid(obj)) {
		svipc_unlock(obj);
		rcu_read_unlock();
		return -EIDRM;
	}
	/* Held across the mapping, so that nothing can destroy it. */
	seg->nattch++;
	refcount_inc(&obj->refcount);
	file = get_file(seg->file);
	/* The file's size: a huge segment's is rounded up to its pages. */
	size = i_size_read(file_inode(file));
	svipc_unlock(obj);
	rcu_read_unlock();

	err = -ENOMEM;
	sfd = kzalloc(sizeof(*sfd), GFP_KERNEL);
	if (!sfd) {
		fput(file);
		svipc_putref(obj, shm_free_rcu);
		goto out_detach;
	}
	sfd->seg = seg;
	sfd->file = file;
	/* Ours, as the caller is in it: it cannot be dying. */
	sfd->ipc_ns = svipc_ipc_ns_get_current();
	file = shm_attach_file(sfd, fflags);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		shm_attach_free(sfd);
		goto out_detach;
	}

	if (addr && !(shmflg & SHM_REMAP)) {
		struct vm_area_struct *vma;

		err = -EINVAL;
		if (addr + size < addr)
			goto out_fput;
		/*
		 * Native refuses an occupied range with EINVAL before
		 * do_mmap() can fail for another reason (ENOMEM for a range
		 * past TASK_SIZE), so look first; MAP_FIXED_NOREPLACE then
		 * closes the race with a thread that maps there meanwhile.
		 */
		if (mmap_read_lock_killable(current->mm)) {
			err = -EINTR;
			goto out_fput;
		}
		vma = find_vma_intersection(current->mm, addr, addr + size);
		mmap_read_unlock(current->mm);
		if (vma)
			goto out_fput;
		flags |= MAP_FIXED_NOREPLACE;
	}
	ret = vm_mmap(file, addr, size, prot, flags, 0);
	if (IS_ERR_VALUE(ret)) {
		err = (long)ret;
		if (err == -EEXIST)
			err = -EINVAL;
	} else {
		*raddr = ret;
		err = 0;
	}
out_fput:
	/* The mapping, if any, holds its own reference. */
	fput(file);
out_detach:
	shm_detach(seg, false);
	return err;
}

long svipc_shmat_ioctl(struct svipc_ns *ns, struct svipc_shmat __user *uarg)
{
	struct svipc_shmat a;
	unsigned long addr;
	long err;

	if (svipc_get_args(&a, uarg))
		return -EFAULT;
	if (a.resv)
		return -EINVAL;
	if (a.addr != (unsigned long)a.addr)
		return -EINVAL;
	err = shm_do_shmat(ns, a.shmid, a.addr, a.shmflg, &addr);
	if (err)
		return err;
	if (put_user(addr, &uarg->addr)) {
		/* The caller cannot learn the address: undo the attach. */
		shm_do_shmdt(addr);
		return -EFAULT;
	}
	return 0;
}

/* ---- shmdt ----------------------------------------------------------- */

static bool shm_vma_matches(struct vm_area_struct *vma, unsigned long addr,
			    struct file *file)
{
	if (!vma->vm_file || vma->vm_file->f_op != &shm_attach_fops)
		return false;
	/* A piece of the attach made at @addr: its offset says so. */
	if ((vma->vm_start - addr) / PAGE_SIZE != vma->vm_pgoff)
		return false;
	return !file || vma->vm_file == file;
}

/*
 * As native: unmap the attach found at or above @addr whose offset puts
 * its start at @addr, then every other piece of the same attach within
 * the segment's size of @addr (pieces left by mprotect or a partial
 * munmap).  The unmapping cannot be done under the walk's lock (modules
 * have only vm_munmap), so each piece is found, then unmapped.
 */
static long shm_do_shmdt(unsigned long addr)
{
	struct mm_struct *mm = current->mm;
	unsigned long from = addr, start, end, size = 0;
	struct vm_area_struct *vma;
	struct file *file = NULL;

	if (addr & ~PAGE_MASK)
		return -EINVAL;
	for (;;) {
		if (mmap_read_lock_killable(mm)) {
			if (file)
				break;
			return -EINTR;
		}
		start = 0;
		end = 0;
		for (vma = find_vma(mm, from); vma; vma = find_vma(mm, vma->vm_end)) {
			if (file && vma->vm_end - addr > size)
				break;
			if (shm_vma_matches(vma, addr, file)) {
				start = vma->vm_start;
				end = vma->vm_end;
				if (!file) {
					/* Pinned: the pointer names the attach. */
					file = get_file(vma->vm_file);
					size = PAGE_ALIGN(i_size_read(file_inode(file)));
				}
				break;
			}
		}
		mmap_read_unlock(mm);
		if (!start)
			break;
		vm_munmap(start, end - start);
		/* The whole attach in one piece, the usual case: no others. */
		if (start == addr && end - addr >= size)
			break;
		from = end;
	}
	if (!file)
		return -EINVAL;
	fput(file);
	return 0;
}

long svipc_shmdt_ioctl(struct svipc_shmdt __user *uarg)
{
	struct svipc_shmdt a;

	if (svipc_get_args(&a, uarg))
		return -EFAULT;
	if (a.resv || a.addr != (unsigned long)a.addr)
		return -EINVAL;
	return shm_do_shmdt(a.addr);
}

/* ---- shmctl ---------------------------------------------------------- */

static int shmctl_ipc_info(struct svipc_ns *ns, struct svipc_shminfo *info)
{
	int max_idx;

	memset(info, 0, sizeof(*info));
	info->shmmni = svipc_lim(ns, shmmni);
	info->shmseg = info->shmmni;
	info->shmmax = svipc_lim(ns, shmmax);
	info->shmall = svipc_lim(ns, shmall);
	info->shmmin = SHMMIN;
	svipc_ids_down_read(&ns->shm_ids);
	max_idx = svipc_max_idx(&ns->shm_ids);
	up_read(&ns->shm_ids.rwsem);
	return max_idx < 0 ? 0 : max_idx;
}

/*
 * Add @seg's resident and swapped pages, as native counts them.  Caller
 * holds shm_ids.rwsem, so the segment is not destroyed meanwhile.
 */
static void shm_add_rss_swap(struct svipc_shm *seg, unsigned long *rss,
			     unsigned long *swp)
{
	struct inode *inode = file_inode(seg->file);
	struct shmem_inode_info *si;

	if (seg->huge) {
		*rss += svipc_shm_huge_rss(seg->file);
		return;
	}
	si = SHMEM_I(inode);
	spin_lock_irq(&si->lock);
	*rss += inode->i_mapping->nrpages;
	*swp += si->swapped;
	spin_unlock_irq(&si->lock);
}

static int shmctl_shm_info(struct svipc_ns *ns, struct svipc_shm_info *info)
{
	unsigned long rss = 0, swp = 0;
	struct svipc_obj *obj;
	int id, max_idx;

	memset(info, 0, sizeof(*info));
	svipc_ids_down_read(&ns->shm_ids);
	info->used_ids = ns->shm_ids.in_use;
	info->shm_tot = ns->shm_tot;
	/* Segments cannot be destroyed while the rwsem is held. */
	idr_for_each_entry(&ns->shm_ids.idr, obj, id)
		shm_add_rss_swap(to_shm(obj), &rss, &swp);
	info->shm_rss = rss;
	info->shm_swp = swp;
	max_idx = svipc_max_idx(&ns->shm_ids);
	up_read(&ns->shm_ids.rwsem);
	return max_idx < 0 ? 0 : max_idx;
}

static int shmctl_stat(struct svipc_ns *ns, int shmid, int cmd,
		       struct svipc_shmid_ds *ds)
{
	struct svipc_obj *obj;
	struct svipc_shm *seg;
	int err;

	memset(ds, 0, sizeof(*ds));
	rcu_read_lock();
	if (cmd == SHM_STAT || cmd == SHM_STAT_ANY)
		obj = svipc_obtain(&ns->shm_ids, shmid);
	else
		obj = svipc_obtain_check(&ns->shm_ids, shmid);
	if (IS_ERR(obj)) {
		err = PTR_ERR(obj);
		goto out_unlock_rcu;
	}
	err = -EACCES;
	if (cmd != SHM_STAT_ANY && svipc_perms(obj, 0444))
		goto out_unlock_rcu;

	seg = to_shm(obj);
	svipc_lock(obj);
	err = -EIDRM;
	if (!svipc_valid(obj))
		goto out_unlock;
	svipc_fill_perm(obj, &ds->perm);
	ds->segsz = seg->segsz;
	ds->atime = seg->atime;
	ds->dtime = seg->dtime;
	ds->ctime = seg->ctime;
	ds->cpid = pid_vnr(seg->cpid);
	ds->lpid = pid_vnr(seg->lpid);
	ds->nattch = seg->nattch;
	err = (cmd == IPC_STAT) ? 0 : obj->id;
out_unlock:
	svipc_unlock(obj);
out_unlock_rcu:
	rcu_read_unlock();
	return err;
}

static int shmctl_down(struct svipc_ns *ns, int shmid, int cmd,
		       const struct svipc_shmid_ds *ds)
{
	struct svipc_obj *obj;
	struct svipc_shm *seg;
	int err = 0;

	svipc_ids_down_write(&ns->shm_ids);
	rcu_read_lock();
	obj = svipc_obtain_owner(&ns->shm_ids, shmid);
	if (IS_ERR(obj)) {
		err = PTR_ERR(obj);
		goto out_unlock_rcu;
	}
	seg = to_shm(obj);
	svipc_lock(obj);
	/* The exit probe may have taken it since the lookup. */
	if (!svipc_valid(obj)) {
		svipc_unlock(obj);
		err = -EIDRM;
		goto out_unlock_rcu;
	}
	if (cmd == IPC_RMID) {
		if (seg->nattch) {
			/* Lives on until the last detach; no longer by key. */
			obj->mode |= SVIPC_SHM_DEST;
			svipc_set_key_private(&ns->shm_ids, obj);
			svipc_unlock(obj);
		} else {
			shm_destroy(seg);	/* unlocks */
		}
		goto out_unlock_rcu;
	}
	/* IPC_SET */
	err = svipc_update_perm(obj, ds->perm.uid, ds->perm.gid, ds->perm.mode);
	if (!err)
		seg->ctime = ktime_get_real_seconds();
	svipc_unlock(obj);
out_unlock_rcu:
	rcu_read_unlock();
	up_write(&ns->shm_ids.rwsem);
	return err;
}

static int shmctl_lock(struct svipc_ns *ns, int shmid, int cmd)
{
	struct shm_mlock_user *spare = NULL, *done = NULL;
	struct file *unlocked = NULL;
	struct svipc_obj *obj;
	struct svipc_shm *seg;
	bool cap;
	int err;

	if (cmd == SHM_LOCK) {
		spare = kzalloc(sizeof(*spare), GFP_KERNEL);
		if (!spare)
			return -ENOMEM;
	}
	rcu_read_lock();
	obj = svipc_obtain_check(&ns->shm_ids, shmid);
	if (IS_ERR(obj)) {
		err = PTR_ERR(obj);
		goto out_unlock_rcu;
	}
	seg = to_shm(obj);
	/* Not under the raw lock: an LSM may log, and logging allocates. */
	cap = ns_capable(ns->user_ns, CAP_IPC_LOCK);
	svipc_lock(obj);
	err = -EIDRM;
	if (!svipc_valid(obj))
		goto out_unlock;
	if (!cap) {
		kuid_t euid = current_euid();

		err = -EPERM;
		if (!uid_eq(euid, obj->uid) && !uid_eq(euid, obj->cuid))
			goto out_unlock;
		if (cmd == SHM_LOCK && !rlimit(RLIMIT_MEMLOCK))
			goto out_unlock;
	}
	err = 0;
	/* As native: huge pages are never swapped; nothing to do, no flag. */
	if (seg->huge)
		goto out_unlock;
	if (cmd == SHM_LOCK) {
		/* Already locked, by anyone: nothing more to charge. */
		if (!seg->mlock_user) {
			err = shm_charge(seg, &spare, cap);
			if (!err) {
				shm_set_mlocked(seg->file, true);
				obj->mode |= SVIPC_SHM_LOCKED;
			}
		}
	} else if (seg->mlock_user) {
		done = shm_uncharge(seg);
		shm_set_mlocked(seg->file, false);
		obj->mode &= ~SVIPC_SHM_LOCKED;
		unlocked = get_file(seg->file);
	}
out_unlock:
	svipc_unlock(obj);
out_unlock_rcu:
	rcu_read_unlock();
	if (unlocked) {
		shm_unlock_mapping(unlocked->f_mapping);
		fput(unlocked);
	}
	kfree(done);
	kfree(spare);
	return err;
}

long svipc_shmctl_ioctl(struct svipc_ns *ns, struct svipc_ctl __user *uarg)
{
	union {
		struct svipc_shmid_ds ds;
		struct svipc_shminfo info;
		struct svipc_shm_info shm_info;
	} u;
	struct svipc_ctl a;
	void __user *buf;
	int err;

	if (svipc_get_args(&a, uarg))
		return -EFAULT;
	if (a.resv || a.semnum)
		return -EINVAL;
	if (a.id < 0 || a.cmd < 0)
		return -EINVAL;
	buf = u64_to_user_ptr(a.buf);

	switch (a.cmd) {
	case IPC_INFO:
		err = shmctl_ipc_info(ns, &u.info);
		if (copy_to_user(buf, &u.info, sizeof(u.info)))
			err = -EFAULT;
		return err;
	case SHM_INFO:
		err = shmctl_shm_info(ns, &u.shm_info);
		if (copy_to_user(buf, &u.shm_info, sizeof(u.shm_info)))
			err = -EFAULT;
		return err;
	case IPC_STAT:
	case SHM_STAT:
	case SHM_STAT_ANY:
		err = shmctl_stat(ns, a.id, a.cmd, &u.ds);
		if (err < 0)
			return err;
		if (copy_to_user(buf, &u.ds, sizeof(u.ds)))
			err = -EFAULT;
		return err;
	case IPC_SET:
		if (copy_from_user(&u.ds, buf, sizeof(u.ds)))
			return -EFAULT;
		return shmctl_down(ns, a.id, a.cmd, &u.ds);
	case IPC_RMID:
		return shmctl_down(ns, a.id, a.cmd, NULL);
	case SHM_LOCK:
	case SHM_UNLOCK:
		return shmctl_lock(ns, a.id, a.cmd);
	default:
		return -EINVAL;
	}
}

/* ---- /proc/svipc/shm (proc.c) ---------------------------------------- */

/*
 * Caller holds shm_ids.rwsem (which keeps seg->file) and not obj->lock:
 * the shmem inode's lock is a spinlock_t, never taken under a raw one.
 */
void svipc_shm_proc_rss(struct svipc_obj *obj, struct svipc_shm_proc *p)
{
	lockdep_assert_held(&obj->ns->shm_ids.rwsem);
	p->rss = 0;
	p->swp = 0;
	shm_add_rss_swap(to_shm(obj), &p->rss, &p->swp);
}

/* Caller holds shm_ids.rwsem and obj->lock. */
void svipc_shm_proc_get(struct svipc_obj *obj, struct svipc_shm_proc *p)
{
	struct svipc_shm *seg = to_shm(obj);

	lockdep_assert_held(&obj->ns->shm_ids.rwsem);
	svipc_assert_locked(obj);
	p->segsz = seg->segsz;
	p->cpid = seg->cpid;
	p->lpid = seg->lpid;
	p->nattch = seg->nattch;
	p->atime = seg->atime;
	p->dtime = seg->dtime;
	p->ctime = seg->ctime;
}

/* ---- creators exiting, orphans, init and exit ------------------------ */

/*
 * sched_process_exit: runs in the exiting thread, preemption disabled,
 * where native calls exit_shm().  Its segments become orphans; under
 * shm_rmid_forced the unattached ones go now (see "Creators" above).
 */
static void shm_exit_probe(void *data, struct task_struct *task)
{
	struct svipc_shm *seg, *dead = NULL;
	struct hlist_node *tmp;
	bool reap = false;

	if (!atomic_read(&shm_nr_creators))
		return;
	/* Preemption is off already: tell lockdep, as undo.c explains. */
	rcu_read_lock_sched();
	raw_spin_lock(&shm_creator_lock);
	hash_for_each_possible_safe(shm_creators, seg, tmp, creator_node,
				    (unsigned long)task) {
		if (seg->creator != task)
			continue;
		hash_del(&seg->creator_node);
		seg->creator = NULL;
		atomic_dec(&shm_nr_creators);
		/* As native, the segment's own namespace decides. */
		if (!svipc_lim(seg->obj.ns, shm_rmid_forced))
			continue;
		/*
		 * Destruction forgets the creator first, under this lock: the
		 * table's reference is still held.  Ours lets the segment be
		 * locked after this lock is dropped (obj.lock nests outside).
		 */
		refcount_inc(&seg->obj.refcount);
		seg->exit_next = dead;
		dead = seg;
	}
	raw_spin_unlock(&shm_creator_lock);

	while (dead) {
		seg = dead;
		dead = seg->exit_next;
		svipc_lock(&seg->obj);
		if (shm_may_destroy(seg) &&
		    svipc_mark_removed(&seg->obj.ns->shm_ids, &seg->obj))
			reap = true;
		svipc_unlock(&seg->obj);
		/* May be the last: the free is an RCU callback. */
		svipc_putref(&seg->obj, shm_free_rcu);
	}
	/* The pool's lock is raw: queueing is safe here on PREEMPT_RT too. */
	if (reap)
		schedule_work(&shm_reap_work);
	rcu_read_unlock_sched();
}

/* shm_rmid_forced was set: destroy unattached segments without creator. */
void svipc_shm_destroy_orphans(struct svipc_ns *ns)
{
	struct svipc_obj *obj;
	int id;

	/* Parameters given to insmod are set before svipc_shm_init(). */
	if (ns == &svipc_init_ns && !READ_ONCE(shm_ready))
		return;
	svipc_ids_down_write(&ns->shm_ids);
	if (ns == &svipc_init_ns && !shm_ready)
		goto out;
	idr_for_each_entry(&ns->shm_ids.idr, obj, id) {
		struct svipc_shm *seg = to_shm(obj);

		if (!shm_is_orphan(seg))
			continue;
		svipc_lock(obj);
		if (svipc_valid(obj) && shm_may_destroy(seg))
			shm_destroy(seg);
		else
			svipc_unlock(obj);
	}
out:
	up_write(&ns->shm_ids.rwsem);
}

int svipc_shm_init(void)
{
	int err;

	shm_exit_tp = svipc_exit_tracepoint();
	if (!shm_exit_tp) {
		pr_err("no sched_process_exit tracepoint\n");
		return -ENOENT;
	}
	err = tracepoint_probe_register(shm_exit_tp, shm_exit_probe, NULL);
	if (err)
		return err;
	svipc_shm_huge_init();
	WRITE_ONCE(shm_ready, true);
	return 0;
}

/* Unload's first step (main.c): no exit probe of ours runs after this. */
void svipc_shm_stop_exit_probe(void)
{
	tracepoint_probe_unregister(shm_exit_tp, shm_exit_probe, NULL);
	tracepoint_synchronize_unregister();
}

/*
 * No exit probe of ours runs any more (svipc_shm_stop_exit_probe), so
 * nothing queues the reap work.  Called before the namespaces go.
 */
void svipc_shm_exit(void)
{
	flush_work(&shm_reap_work);
	WRITE_ONCE(shm_ready, false);
	svipc_shm_huge_exit();
}

void svipc_shm_ns_init(struct svipc_ns *ns)
{
	svipc_ids_init(&ns->shm_ids, &shm_ops, ns);
}

/*
 * The namespace died, or the module goes: destroy every segment.  None
 * is attached: an attach holds the namespace, and pins the module.  A
 * creator that left the namespace may still exit meanwhile, and its
 * probe hide a segment (svipc_mark_removed) that this pass then skips:
 * such a segment is on the reap list, which the next svipc_ids_down_write
 * empties; after this pass no probe can find one (shm_destroy forgets
 * the creator), so two passes leave the table empty.
 */
void svipc_shm_ns_clear(struct svipc_ns *ns)
{
	struct svipc_obj *obj;
	int id;

	svipc_ids_down_write(&ns->shm_ids);
	idr_for_each_entry(&ns->shm_ids.idr, obj, id) {
		svipc_lock(obj);
		if (!svipc_valid(obj)) {
			svipc_unlock(obj);
			continue;
		}
		WARN_ON(to_shm(obj)->nattch);
		shm_destroy(to_shm(obj));
	}
	up_write(&ns->shm_ids.rwsem);
	svipc_ids_down_write(&ns->shm_ids);
	WARN_ON(ns->shm_ids.in_use);
	up_write(&ns->shm_ids.rwsem);
}

void svipc_shm_ns_free(struct svipc_ns *ns)
{
	svipc_ids_destroy(&ns->shm_ids);
}
