// SPDX-License-Identifier: GPL-2.0
/*
 * SHM_HUGETLB segments: hugetlbfs files, as native's.
 *
 * Native makes them with hugetlb_file_setup(), which modules cannot
 * call: an unlinked inode on hugetlbfs's internal mount for the page
 * size, with the segment's huge pages reserved at once.  What modules
 * have is the VFS: so each segment gets a hugetlbfs mount of its own
 * (a kernel mount, in no namespace, unreachable by path), whose
 * "min_size" is the segment's size, which makes hugetlbfs reserve those
 * pages for it when it is mounted (ENOMEM if the pool cannot), as
 * native reserves at shmget.  In it, one file named as native's,
 * "SYSV<key>", created, opened and unlinked: so /proc/PID/maps shows
 * "/SYSV<key> (deleted)" as natively.  The file is marked S_PRIVATE, as
 * native's inode, so that mapping it does not reserve a second time.
 * The open file holds the mount; when the segment's last file goes, the
 * mount goes, and with it the reservation of the pages never touched.
 *
 * SHM_NORESERVE: no min_size, hence no reservation, as natively.
 *
 * Which page sizes exist is read at load from
 * /sys/kernel/mm/hugepages/, one directory per size (hstate); the
 * default size from a mount without options.  Like everything read by
 * path, that is done at load (by whoever loads the module, in its
 * namespaces), never on behalf of a caller.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/hugetlb.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/shm.h>
#include <uapi/linux/shm.h>
#include <linux/slab.h>
#include <linux/uidgid.h>

#include "svipc.h"

#ifdef CONFIG_HUGETLBFS

static struct file_system_type *huge_fs;
static unsigned long huge_default_size;
/* Bit n: the kernel has huge pages of 2^n bytes. */
static u64 huge_sizes;

#ifdef SVIPC_HAVE_MNT_IDMAP
#define HUGE_IDMAP	(&nop_mnt_idmap)
#else
#define HUGE_IDMAP	(&init_user_ns)
#endif

/*
 * vm.hugetlb_shm_group, which the kernel does not export: read from its
 * sysctl file, opened at load.  Not by path at each shmget: a caller can
 * make its own mount namespace, where that path could be a file of its
 * choosing.  A sysctl file runs its handler at every read, so each read
 * gives the current value.  It is an int, as native takes it: -1 is no
 * valid group, so nobody.  Whatever cannot be read (no /proc at load, a
 * read refused) also lets nobody in: never more than native would.
 */
static struct file *huge_group_file;

static kgid_t huge_shm_group(void)
{
	char buf[24] = "";
	loff_t pos = 0;
	ssize_t n;
	int gid;

	if (!huge_group_file)
		return INVALID_GID;
	n = kernel_read(huge_group_file, buf, sizeof(buf) - 1, &pos);
	if (n <= 0 || kstrtoint(strim(buf), 10, &gid))
		return INVALID_GID;
	return make_kgid(&init_user_ns, (gid_t)gid);
}

/* As native's can_do_hugetlb_shm(). */
static bool huge_allowed(void)
{
	kgid_t group;

	if (capable(CAP_IPC_LOCK))
		return true;
	group = huge_shm_group();
	return gid_valid(group) && in_group_p(group);
}

/*
 * Lock classes of the private mounts' inodes.  Their locks are taken
 * under shm_ids.rwsem, which mmap_lock takes (a detach); hugetlbfs's own
 * classes are also taken around faults elsewhere (a getdents on a
 * user's hugetlbfs mount).  No task can reach these inodes but their
 * creator, so no cycle is real; their own classes tell lockdep so.
 */
static struct lock_class_key huge_dir_key;
static struct lock_class_key huge_file_key;

/* A hugetlbfs mount for one segment; see the top of this file. */
static struct vfsmount *huge_mount(unsigned int sizelog, size_t hugesize,
				   bool reserve)
{
	struct fs_context *fc;
	struct vfsmount *mnt;
	char val[24];
	int err = 0;

	fc = fs_context_for_mount(huge_fs, SB_KERNMOUNT);
	if (IS_ERR(fc))
		return ERR_CAST(fc);
	/*
	 * The initial user namespace's, as native's internal mount: the
	 * superblock must not pin the caller's, nor refuse a creator whose
	 * ids that namespace does not map.
	 */
	put_user_ns(fc->user_ns);
	fc->user_ns = get_user_ns(&init_user_ns);
	if (sizelog) {
		snprintf(val, sizeof(val), "%llu", 1ULL << sizelog);
		err = vfs_parse_fs_string(fc, "pagesize", val, strlen(val));
	}
	if (!err && reserve) {
		snprintf(val, sizeof(val), "%zu", hugesize);
		err = vfs_parse_fs_string(fc, "min_size", val, strlen(val));
	}
	mnt = err ? ERR_PTR(err) : fc_mount(fc);
	put_fs_context(fc);
	return mnt;
}

/*
 * The file of a new SHM_HUGETLB segment of @size bytes, named @name;
 * @shmflg gives the page size (SHM_HUGE_*) and SHM_NORESERVE.  Errors as
 * native's: EINVAL for a page size the kernel lacks, EPERM without
 * CAP_IPC_LOCK or vm.hugetlb_shm_group, ENOMEM when the pool cannot
 * reserve the pages.
 */
struct file *svipc_shm_huge_setup(const char *name, size_t size, int shmflg)
{
	unsigned int sizelog = (shmflg >> SHM_HUGE_SHIFT) & SHM_HUGE_MASK;
	struct dentry *root, *dentry;
	size_t hugesize, pagesize;
	struct vfsmount *mnt;
	struct inode *dir;
	struct file *file;
	struct path path;
	int err;

	if (!huge_fs)
		return ERR_PTR(-EINVAL);
	if (!sizelog)
		pagesize = huge_default_size;
	else if (sizelog < 64 && (huge_sizes & BIT_ULL(sizelog)))
		pagesize = 1UL << sizelog;
	else
		return ERR_PTR(-EINVAL);
	if (!huge_allowed())
		return ERR_PTR(-EPERM);
	/*
	 * As native, a size within a huge page of the top wraps to 0: an
	 * empty file, which shmat then refuses.
	 */
	hugesize = ALIGN(size, pagesize);

	mnt = huge_mount(sizelog, hugesize, hugesize && !(shmflg & SHM_NORESERVE));
	if (IS_ERR(mnt))
		return ERR_CAST(mnt);
	root = mnt->mnt_root;
	dir = d_inode(root);
	lockdep_set_class(&dir->i_rwsem, &huge_dir_key);
	inode_lock_nested(dir, I_MUTEX_PARENT);
	dentry = lookup_one_len(name, root, strlen(name));
	if (IS_ERR(dentry)) {
		file = ERR_CAST(dentry);
		goto out_unlock;
	}
	/* As native's inode: mode 0777, the caller's fsuid and fsgid. */
	err = vfs_create(HUGE_IDMAP, dir, dentry, 0777, true);
	if (err) {
		file = ERR_PTR(err);
		goto out_dput;
	}
	lockdep_set_class(&d_inode(dentry)->i_rwsem, &huge_file_key);
	inode_lock(d_inode(dentry));
	i_size_write(d_inode(dentry), hugesize);
	d_inode(dentry)->i_flags |= S_PRIVATE;
	inode_unlock(d_inode(dentry));
	path.mnt = mnt;
	path.dentry = dentry;
	file = dentry_open(&path, O_RDWR | O_LARGEFILE, current_cred());
	/* Open or not, the name goes: the file is the segment's only way in. */
	err = vfs_unlink(HUGE_IDMAP, dir, dentry, NULL);
	if (!IS_ERR(file) && err) {
		fput(file);
		file = ERR_PTR(err);
	}
out_dput:
	dput(dentry);
out_unlock:
	inode_unlock(dir);
	/* The file holds the mount from here on. */
	mntput(mnt);
	return file;
}

/*
 * Resident pages of a huge segment, in base pages, as native counts
 * them.  Native reads the page cache's nrpages, which counts one per
 * huge page on 6.1 and every base page on 6.12; hugetlbfs's i_blocks
 * counts the same pages, in 512-byte blocks, on both.
 */
unsigned long svipc_shm_huge_rss(struct file *file)
{
	return (READ_ONCE(file_inode(file)->i_blocks) << 9) >> PAGE_SHIFT;
}

/* Which page sizes there are: one sysfs directory each. */
static void huge_find_sizes(void)
{
	char dir[64];
	struct path p;
	unsigned int n;

	for (n = PAGE_SHIFT + 1; n < 64; n++) {
		snprintf(dir, sizeof(dir), "/sys/kernel/mm/hugepages/hugepages-%llukB",
			 (1ULL << n) >> 10);
		if (!kern_path(dir, LOOKUP_DIRECTORY, &p)) {
			huge_sizes |= BIT_ULL(n);
			path_put(&p);
		}
	}
}

void svipc_shm_huge_init(void)
{
	struct vfsmount *mnt;

	huge_fs = get_fs_type("hugetlbfs");
	if (!huge_fs)
		return;
	mnt = huge_mount(0, 0, false);
	if (IS_ERR(mnt)) {
		/* No huge pages here: SHM_HUGETLB is EINVAL, as natively. */
		module_put(huge_fs->owner);
		huge_fs = NULL;
		return;
	}
	huge_default_size = huge_page_size(hstate_inode(d_inode(mnt->mnt_root)));
	kern_unmount(mnt);
	huge_find_sizes();
	/* Without sysfs, at least the default size. */
	huge_sizes |= BIT_ULL(ilog2(huge_default_size));
	huge_group_file = filp_open("/proc/sys/vm/hugetlb_shm_group", O_RDONLY, 0);
	if (IS_ERR(huge_group_file)) {
		pr_info("no /proc/sys/vm/hugetlb_shm_group: SHM_HUGETLB takes CAP_IPC_LOCK\n");
		huge_group_file = NULL;
	}
}

void svipc_shm_huge_exit(void)
{
	if (huge_group_file)
		fput(huge_group_file);
	huge_group_file = NULL;
	if (huge_fs)
		module_put(huge_fs->owner);
	huge_fs = NULL;
}

#else /* !CONFIG_HUGETLBFS */

struct file *svipc_shm_huge_setup(const char *name, size_t size, int shmflg)
{
	/* As native without huge page support. */
	return ERR_PTR(-EINVAL);
}

unsigned long svipc_shm_huge_rss(struct file *file)
{
	return 0;
}

void svipc_shm_huge_init(void)
{
}

void svipc_shm_huge_exit(void)
{
}

#endif /* CONFIG_HUGETLBFS */
