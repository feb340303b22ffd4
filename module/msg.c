// SPDX-License-Identifier: GPL-2.0
/*
 * svipc message queues: msgget, msgsnd, msgrcv, msgctl.
 *
 * Locking
 * -------
 * Lock order: ns->msg_ids.rwsem -> msq->obj.lock (see obj.c).
 *
 * msq->obj.lock protects everything in struct svipc_msq: the message
 * list, the two waiter lists, the counters, times and pids.  Message text
 * is copied in before the lock is taken and copied out after it is
 * dropped; nothing under the lock sleeps or touches user memory.
 *
 * Waiting
 * -------
 * A receiver that finds nothing queues a struct msg_receiver (on its
 * stack) on msq->receivers and sleeps.  A sender that finds a matching
 * receiver hands the message straight to it (msg_pipelined_send) instead
 * of queueing it, so a woken receiver never races others for it.  The
 * result is published in receiver->msg:
 *
 *	ERR_PTR(-EAGAIN)	nothing yet; the receiver is still on the list
 *				or (IPC_SET) must recheck and requeue itself
 *	a message		handed over; the receiver was unlinked
 *	ERR_PTR(-E2BIG|-EIDRM)	failure; the receiver was unlinked
 *
 * MSG_BARRIER: the waker unlinks the receiver, then publishes the result
 * with smp_store_release(); the receiver reads it with READ_ONCE() +
 * smp_acquire__after_ctrl_dep() without the lock, and once it sees
 * anything but -EAGAIN it owns the result and may return, so the waker
 * must not touch the receiver after publishing (the task reference taken
 * by svipc_wake_q_add keeps the wake-up itself safe).
 *
 * A receiver that still reads -EAGAIN has not been unlinked, so the queue
 * has not been removed (removal publishes -EIDRM to every receiver); the
 * RCU read section it re-enters before looking therefore keeps the queue's
 * memory alive while it takes the lock.
 *
 * A sender that finds the queue full queues a struct msg_sender and
 * sleeps holding a reference on the queue; it is woken when its message
 * may fit, and always retries from the top (permission check included),
 * as native does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/msg.h>
#include <linux/percpu_counter.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "limits.h"
#include "ns.h"
#include "svipc.h"

/*
 * A message is kept as native keeps it: a head of at most a page holding
 * the start of the text, then a chain of page-sized segments, so that no
 * message needs more than order-0 slab objects.  (A 4 KiB message in one
 * block would need a kmalloc-8k object, whose slow paths cost a 4 KiB
 * ping-pong a quarter of its speed; larger ones would go to vmalloc.)
 *
 * mtype sits right before text, as in the caller's struct msgbuf, so that
 * a caller whose mtype is a kernel long (every caller but a 32-bit one on
 * a 64-bit kernel) has mtype and the head's text copied in with one user
 * copy.  (Out, mtype is stored on its own: see msg_store().)
 */
struct svipc_msg_seg {
	struct svipc_msg_seg *next;
	char text[];
};

struct svipc_msg {
	struct list_head list;
	struct svipc_msg_seg *next;	/* the text beyond MSG_HEAD_LEN */
	size_t size;
	long mtype;
	char text[];
};

static_assert(offsetof(struct svipc_msg, text) ==
	      offsetof(struct svipc_msg, mtype) + sizeof(long));

#define MSG_HEAD_LEN	(PAGE_SIZE - sizeof(struct svipc_msg))
#define MSG_SEG_LEN	(PAGE_SIZE - sizeof(struct svipc_msg_seg))

struct svipc_msq {
	struct svipc_obj obj;
	time64_t stime;
	time64_t rtime;
	time64_t ctime;
	unsigned long cbytes;
	unsigned long qnum;
	unsigned long qbytes;
	struct pid *lspid;
	struct pid *lrpid;
	struct list_head messages;
	struct list_head receivers;
	struct list_head senders;
};

enum msg_search {
	SEARCH_ANY,
	SEARCH_EQUAL,
	SEARCH_NOTEQUAL,
	SEARCH_LESSEQUAL,
	SEARCH_NUMBER,
};

struct msg_receiver {
	struct list_head list;
	struct task_struct *task;
	enum msg_search mode;
	long type;
	size_t maxsize;
	struct svipc_msg *msg;		/* see MSG_BARRIER */
};

struct msg_sender {
	struct list_head list;		/* empty once removal unlinked it */
	struct task_struct *task;
	size_t size;
};

static struct svipc_msq *to_msq(struct svipc_obj *obj)
{
	return container_of(obj, struct svipc_msq, obj);
}

static int svipc_get_mtype(const void __user *p, u32 width, long *mtype)
{
	s32 v32;
	s64 v64;

	if (width == sizeof(s32)) {
		if (get_user(v32, (const s32 __user *)p))
			return -EFAULT;
		*mtype = v32;
		return 0;
	}
	if (get_user(v64, (const s64 __user *)p))
		return -EFAULT;
	*mtype = v64;
	return 0;
}

static int svipc_put_mtype(void __user *p, u32 width, long mtype)
{
	if (width == sizeof(s32))
		return put_user((s32)mtype, (s32 __user *)p) ? -EFAULT : 0;
	return put_user((s64)mtype, (s64 __user *)p) ? -EFAULT : 0;
}

static void msg_free(struct svipc_msg *msg)
{
	struct svipc_msg_seg *seg = msg->next, *next;

	kfree(msg);
	for (; seg; seg = next) {
		next = seg->next;
		kfree(seg);
	}
}

/* Room for @size bytes of text, in a head and segments. */
static struct svipc_msg *msg_alloc(size_t size)
{
	struct svipc_msg_seg **pseg;
	struct svipc_msg *msg;
	size_t len = min_t(size_t, size, MSG_HEAD_LEN);

	msg = kmalloc(struct_size(msg, text, len), GFP_KERNEL_ACCOUNT);
	if (!msg)
		return NULL;
	msg->next = NULL;
	msg->size = size;
	pseg = &msg->next;
	for (size -= len; size; size -= len) {
		struct svipc_msg_seg *seg;

		len = min_t(size_t, size, MSG_SEG_LEN);
		seg = kmalloc(struct_size(seg, text, len), GFP_KERNEL_ACCOUNT);
		if (!seg) {
			msg_free(msg);
			return NULL;
		}
		seg->next = NULL;
		*pseg = seg;
		pseg = &seg->next;
	}
	return msg;
}

/*
 * Copy in the caller's message (mtype at @msgp, then @size bytes of text),
 * with native's order of errors: EFAULT for mtype, EINVAL for the size,
 * the id or mtype, ENOMEM, then EFAULT for the text.  The common case is
 * one user copy per page of text; the rarer orders are sorted out on the
 * error paths.
 */
static struct svipc_msg *msg_load(struct svipc_ns *ns, int msqid,
				  const void __user *msgp, u32 width, size_t size)
{
	size_t len = min_t(size_t, size, MSG_HEAD_LEN);
	const char __user *src = msgp + width + len;
	struct svipc_msg_seg *seg;
	struct svipc_msg *msg;
	unsigned long left;
	long mtype;
	int err;

	if (size > svipc_lim(ns, msgmax) || (long)size < 0 || msqid < 0) {
		err = svipc_get_mtype(msgp, width, &mtype);
		return ERR_PTR(err ?: -EINVAL);
	}
	msg = msg_alloc(size);
	if (!msg) {
		err = svipc_get_mtype(msgp, width, &mtype);
		return ERR_PTR(err ?: (mtype < 1 ? -EINVAL : -ENOMEM));
	}
	if (width == sizeof(msg->mtype)) {
		left = copy_from_user(&msg->mtype, msgp, sizeof(msg->mtype) + len);
		/* More missing than the text: mtype itself was unreadable. */
		if (left > len)
			err = -EFAULT;
		else if (msg->mtype < 1)
			err = -EINVAL;
		else
			err = left ? -EFAULT : 0;
	} else {
		err = svipc_get_mtype(msgp, width, &msg->mtype);
		if (!err && msg->mtype < 1)
			err = -EINVAL;
		if (!err && copy_from_user(msg->text, msgp + width, len))
			err = -EFAULT;
	}
	for (seg = msg->next, size -= len; !err && seg; seg = seg->next, size -= len) {
		len = min_t(size_t, size, MSG_SEG_LEN);
		if (copy_from_user(seg->text, src, len))
			err = -EFAULT;
		src += len;
	}
	if (err) {
		msg_free(msg);
		return ERR_PTR(err);
	}
	return msg;
}

/*
 * Copy out mtype and the first @n bytes of text to the caller's msgbuf;
 * 0 or -EFAULT.
 */
static int msg_store(const struct svipc_msg *msg, void __user *msgp, u32 width,
		     size_t n)
{
	size_t len = min_t(size_t, n, MSG_HEAD_LEN);
	char __user *dst = msgp + width + len;
	const struct svipc_msg_seg *seg;

	/*
	 * mtype first, whole or not at all (put_user, as native's
	 * do_msg_fill): a buffer too short for it is left untouched, where
	 * one copy of mtype and text together would write part of it.
	 */
	if (svipc_put_mtype(msgp, width, msg->mtype) ||
	    copy_to_user(msgp + width, msg->text, len))
		return -EFAULT;
	for (seg = msg->next, n -= len; n; seg = seg->next, n -= len) {
		len = min_t(size_t, n, MSG_SEG_LEN);
		if (copy_to_user(dst, seg->text, len))
			return -EFAULT;
		dst += len;
	}
	return 0;
}

/*
 * MSG_COPY reads the caller's buffer before it looks at the queue, as
 * native's prepare_copy() does (it loads a dummy message from it): the
 * first @copy->size bytes at @src must be readable, or EFAULT.
 */
static int msg_prepare_copy(struct svipc_msg *copy, const char __user *src)
{
	size_t n = copy->size, len = min_t(size_t, n, MSG_HEAD_LEN);
	struct svipc_msg_seg *seg;

	if (copy_from_user(copy->text, src, len))
		return -EFAULT;
	for (seg = copy->next, n -= len; n; seg = seg->next, n -= len) {
		src += len;
		len = min_t(size_t, n, MSG_SEG_LEN);
		if (copy_from_user(seg->text, src, len))
			return -EFAULT;
	}
	return 0;
}

/* MSG_COPY: @dst was made by msg_alloc() for at least @src->size bytes. */
static void msg_copy(struct svipc_msg *dst, const struct svipc_msg *src)
{
	size_t n = src->size, len = min_t(size_t, n, MSG_HEAD_LEN);
	const struct svipc_msg_seg *s;
	struct svipc_msg_seg *d;

	dst->mtype = src->mtype;
	dst->size = src->size;
	memcpy(dst->text, src->text, len);
	for (s = src->next, d = dst->next, n -= len; n;
	     s = s->next, d = d->next, n -= len) {
		len = min_t(size_t, n, MSG_SEG_LEN);
		memcpy(d->text, s->text, len);
	}
}

static void msq_free_rcu(struct rcu_head *head)
{
	struct svipc_msq *q = container_of(head, struct svipc_msq, obj.rcu);

	put_pid(q->lspid);
	put_pid(q->lrpid);
	kfree(q);
}

static void msq_set_pid(struct pid **slot, struct pid *pid)
{
	if (*slot != pid) {
		put_pid(*slot);
		*slot = get_pid(pid);
	}
}

static int msg_limit(struct svipc_ns *ns)
{
	return svipc_lim(ns, msgmni);
}

static struct svipc_obj *msq_alloc(struct svipc_ns *ns,
				   const struct svipc_get_params *p)
{
	struct svipc_msq *q;

	q = kzalloc(sizeof(*q), GFP_KERNEL_ACCOUNT);
	if (!q)
		return ERR_PTR(-ENOMEM);
	q->ctime = ktime_get_real_seconds();
	q->qbytes = svipc_lim(ns, msgmnb);
	INIT_LIST_HEAD(&q->messages);
	INIT_LIST_HEAD(&q->receivers);
	INIT_LIST_HEAD(&q->senders);
	return &q->obj;
}

static void msq_free_unpublished(struct svipc_obj *obj)
{
	kfree(to_msq(obj));
}

static const struct svipc_kind_ops msg_ops = {
	.limit = msg_limit,
	.alloc = msq_alloc,
	.free_unpublished = msq_free_unpublished,
	.pin_module = true,
};

int svipc_msgget(struct svipc_ns *ns, key_t key, int msgflg)
{
	struct svipc_get_params p = { .key = key, .flg = msgflg };

	return svipc_get(&ns->msg_ids, &p);
}

static bool msg_fits(struct svipc_msq *q, size_t size)
{
	return size + q->cbytes <= q->qbytes && 1 + q->qnum <= q->qbytes;
}

/*
 * Wake senders whose message would now fit.  With @kill (removal) wake
 * them all and unlink them.  Senders that still do not fit go to the
 * tail, to keep FIFO order among them.
 */
static void msg_wake_senders(struct svipc_msq *q, struct svipc_wake_q *wq,
			     bool kill)
{
	struct task_struct *stop = NULL;
	struct msg_sender *s, *t;

	list_for_each_entry_safe(s, t, &q->senders, list) {
		if (kill) {
			list_del_init(&s->list);
		} else if (s->task == stop) {
			break;
		} else if (!msg_fits(q, s->size)) {
			if (!stop)
				stop = s->task;
			list_move_tail(&s->list, &q->senders);
			continue;
		}
		svipc_wake_q_add(wq, s->task);
	}
}

/* Wake every receiver with @res; -EAGAIN means "recheck". */
static void msg_wake_receivers(struct svipc_msq *q, struct svipc_wake_q *wq,
			       int res)
{
	struct msg_receiver *r, *t;

	list_for_each_entry_safe(r, t, &q->receivers, list) {
		if (res != -EAGAIN)
			list_del(&r->list);
		svipc_wake_q_add(wq, r->task);
		/* MSG_BARRIER */
		smp_store_release(&r->msg, ERR_PTR(res));
	}
}

static bool msg_matches(struct svipc_msg *msg, long type, enum msg_search mode)
{
	switch (mode) {
	case SEARCH_ANY:
		return true;
	case SEARCH_EQUAL:
		return msg->mtype == type;
	case SEARCH_NOTEQUAL:
		return msg->mtype != type;
	case SEARCH_LESSEQUAL:
		return msg->mtype <= type;
	case SEARCH_NUMBER:
		break;
	}
	return false;
}

/* Hand @msg to the first receiver that wants it.  Caller holds the lock. */
static bool msg_pipelined_send(struct svipc_msq *q, struct svipc_msg *msg,
			       struct svipc_wake_q *wq)
{
	struct msg_receiver *r, *t;

	list_for_each_entry_safe(r, t, &q->receivers, list) {
		if (!msg_matches(msg, r->type, r->mode))
			continue;
		list_del(&r->list);
		svipc_wake_q_add(wq, r->task);
		if (r->maxsize < msg->size) {
			/* MSG_BARRIER */
			smp_store_release(&r->msg, ERR_PTR(-E2BIG));
			continue;
		}
		/* As native: the receiving thread's pid on this path. */
		msq_set_pid(&q->lrpid, task_pid(r->task));
		q->rtime = ktime_get_real_seconds();
		/* MSG_BARRIER */
		smp_store_release(&r->msg, msg);
		return true;
	}
	return false;
}

static long svipc_do_msgsnd(struct svipc_ns *ns, int msqid,
			    const void __user *msgp, u32 width, size_t size,
			    int msgflg)
{
	struct svipc_msg *msg;
	struct svipc_msq *q;
	struct svipc_obj *obj;
	struct msg_sender s __uninitialized;
	struct svipc_wake_q wq __uninitialized;
	long err;

	svipc_wake_q_init(&wq);
	msg = msg_load(ns, msqid, msgp, width, size);
	if (IS_ERR(msg))
		return PTR_ERR(msg);

	rcu_read_lock();
	obj = svipc_obtain_check(&ns->msg_ids, msqid);
	if (IS_ERR(obj)) {
		err = PTR_ERR(obj);
		goto out_unlock_rcu;
	}
	q = to_msq(obj);
	svipc_lock(obj);

	for (;;) {
		err = -EACCES;
		if (svipc_perms(obj, 0222))
			goto out_unlock;
		err = -EIDRM;
		if (!svipc_valid(obj))
			goto out_unlock;
		if (msg_fits(q, size))
			break;
		err = -EAGAIN;
		if (msgflg & IPC_NOWAIT)
			goto out_unlock;

		s.task = current;
		s.size = size;
		list_add_tail(&s.list, &q->senders);
		/* The table's reference is alive: the queue is valid. */
		WARN_ON(!svipc_getref(obj));
		__set_current_state(TASK_INTERRUPTIBLE);
		svipc_unlock(obj);
		rcu_read_unlock();
		schedule();

		rcu_read_lock();
		svipc_lock(obj);
		svipc_putref(obj, msq_free_rcu);
		err = -EIDRM;
		if (!svipc_valid(obj))
			goto out_unlock;	/* removal unlinked us */
		list_del(&s.list);
		err = -ERESTARTNOHAND;
		if (signal_pending(current))
			goto out_unlock;
	}

	msq_set_pid(&q->lspid, task_tgid(current));
	q->stime = ktime_get_real_seconds();
	if (!msg_pipelined_send(q, msg, &wq)) {
		list_add_tail(&msg->list, &q->messages);
		q->cbytes += size;
		q->qnum++;
		percpu_counter_add_local(&ns->msg_bytes, size);
		percpu_counter_add_local(&ns->msg_hdrs, 1);
	}
	msg = NULL;
	err = 0;
out_unlock:
	svipc_unlock(obj);
	svipc_wake_up_q(&wq);
out_unlock_rcu:
	rcu_read_unlock();
	if (msg)
		msg_free(msg);
	return err;
}

static bool svipc_mtype_width_ok(u32 width)
{
	return width == sizeof(s32) || width == sizeof(s64);
}

long svipc_msgsnd_ioctl(struct svipc_ns *ns, struct svipc_msgsnd __user *uarg)
{
	struct svipc_msgsnd a;

	if (svipc_get_args(&a, uarg))
		return -EFAULT;
	if (a.resv || !svipc_mtype_width_ok(a.mtype_size))
		return -EINVAL;
	return svipc_do_msgsnd(ns, a.msqid, u64_to_user_ptr(a.msgp), a.mtype_size,
			       a.msgsz, a.msgflg);
}

static enum msg_search msg_convert_mode(long *type, int msgflg)
{
	if (msgflg & MSG_COPY)
		return SEARCH_NUMBER;
	if (*type == 0)
		return SEARCH_ANY;
	if (*type < 0) {
		*type = (*type == LONG_MIN) ? LONG_MAX : -*type;
		return SEARCH_LESSEQUAL;
	}
	if (msgflg & MSG_EXCEPT)
		return SEARCH_NOTEQUAL;
	return SEARCH_EQUAL;
}

/*
 * The first message that matches; for SEARCH_LESSEQUAL the first one of
 * the lowest type.  Caller holds the lock.
 */
static struct svipc_msg *msg_find(struct svipc_msq *q, long type,
				  enum msg_search mode)
{
	struct svipc_msg *msg, *found = NULL;
	long count = 0;

	list_for_each_entry(msg, &q->messages, list) {
		if (mode == SEARCH_NUMBER) {
			if (count++ == type)
				return msg;
			continue;
		}
		if (!msg_matches(msg, type, mode))
			continue;
		if (mode != SEARCH_LESSEQUAL || msg->mtype == 1)
			return msg;
		/* Look on for a lower type only. */
		type = msg->mtype - 1;
		found = msg;
	}
	return found ? found : ERR_PTR(-EAGAIN);
}

/* Dequeue @msg.  Caller holds the lock. */
static void msg_take(struct svipc_msq *q, struct svipc_msg *msg,
		     struct svipc_wake_q *wq)
{
	list_del(&msg->list);
	q->qnum--;
	q->cbytes -= msg->size;
	q->rtime = ktime_get_real_seconds();
	msq_set_pid(&q->lrpid, task_tgid(current));
	percpu_counter_sub_local(&q->obj.ns->msg_bytes, msg->size);
	percpu_counter_sub_local(&q->obj.ns->msg_hdrs, 1);
	msg_wake_senders(q, wq, false);
}

static long svipc_do_msgrcv(struct svipc_ns *ns, int msqid,
			    void __user *msgp, u32 width, size_t bufsz,
			    long type, int msgflg)
{
	struct svipc_msg *msg, *copy = NULL;
	struct msg_receiver r __uninitialized;
	struct svipc_wake_q wq __uninitialized;
	enum msg_search mode;
	struct svipc_obj *obj;
	struct svipc_msq *q;
	size_t n;

	svipc_wake_q_init(&wq);
	if (msqid < 0 || (long)bufsz < 0)
		return -EINVAL;
	if (msgflg & MSG_COPY) {
		if ((msgflg & MSG_EXCEPT) || !(msgflg & IPC_NOWAIT))
			return -EINVAL;
		n = min_t(size_t, bufsz, svipc_lim(ns, msgmax));
		copy = msg_alloc(n);
		if (!copy)
			return -ENOMEM;
		if (msg_prepare_copy(copy, msgp)) {
			msg_free(copy);
			return -EFAULT;
		}
	}
	mode = msg_convert_mode(&type, msgflg);

	rcu_read_lock();
	obj = svipc_obtain_check(&ns->msg_ids, msqid);
	if (IS_ERR(obj)) {
		msg = ERR_CAST(obj);
		goto out_unlock_rcu;
	}
	q = to_msq(obj);

	for (;;) {
		msg = ERR_PTR(-EACCES);
		if (svipc_perms(obj, 0444))
			goto out_unlock_rcu;
		svipc_lock(obj);
		msg = ERR_PTR(-EIDRM);
		if (!svipc_valid(obj))
			goto out_unlock;

		msg = msg_find(q, type, mode);
		if (!IS_ERR(msg)) {
			if (bufsz < msg->size && !(msgflg & MSG_NOERROR)) {
				msg = ERR_PTR(-E2BIG);
				goto out_unlock;
			}
			if (msgflg & MSG_COPY) {
				if (msg->size > copy->size) {
					msg = ERR_PTR(-EINVAL);
					goto out_unlock;
				}
				msg_copy(copy, msg);
				msg = copy;
				copy = NULL;
				goto out_unlock;
			}
			msg_take(q, msg, &wq);
			goto out_unlock;
		}
		if (msgflg & IPC_NOWAIT) {
			msg = ERR_PTR(-ENOMSG);
			goto out_unlock;
		}

		r.task = current;
		r.type = type;
		r.mode = mode;
		r.maxsize = (msgflg & MSG_NOERROR) ? INT_MAX : bufsz;
		r.msg = ERR_PTR(-EAGAIN);
		list_add_tail(&r.list, &q->receivers);
		__set_current_state(TASK_INTERRUPTIBLE);
		svipc_unlock(obj);
		rcu_read_unlock();
		schedule();

		/* See "A receiver that still reads -EAGAIN" above. */
		rcu_read_lock();
		msg = READ_ONCE(r.msg);
		if (msg != ERR_PTR(-EAGAIN)) {
			/* MSG_BARRIER */
			smp_acquire__after_ctrl_dep();
			goto out_unlock_rcu;
		}
		svipc_lock(obj);
		msg = r.msg;
		if (msg != ERR_PTR(-EAGAIN))
			goto out_unlock;
		list_del(&r.list);
		if (signal_pending(current)) {
			msg = ERR_PTR(-ERESTARTNOHAND);
			goto out_unlock;
		}
		svipc_unlock(obj);
	}

out_unlock:
	svipc_unlock(obj);
	svipc_wake_up_q(&wq);
out_unlock_rcu:
	rcu_read_unlock();
	if (copy)
		msg_free(copy);
	if (IS_ERR(msg))
		return PTR_ERR(msg);

	n = min(bufsz, msg->size);
	if (msg_store(msg, msgp, width, n))
		n = -EFAULT;
	msg_free(msg);
	return n;
}

long svipc_msgrcv_ioctl(struct svipc_ns *ns, struct svipc_msgrcv __user *uarg)
{
	struct svipc_msgrcv a;

	if (svipc_get_args(&a, uarg))
		return -EFAULT;
	if (a.resv || !svipc_mtype_width_ok(a.mtype_size))
		return -EINVAL;
	return svipc_do_msgrcv(ns, a.msqid, u64_to_user_ptr(a.msgp), a.mtype_size,
			       a.msgsz, a.msgtyp, a.msgflg);
}

static int msgctl_info(struct svipc_ns *ns, int cmd, struct svipc_msginfo *info)
{
	int max_idx;

	memset(info, 0, sizeof(*info));
	info->msgmni = svipc_lim(ns, msgmni);
	info->msgmax = svipc_lim(ns, msgmax);
	info->msgmnb = svipc_lim(ns, msgmnb);
	info->msgssz = MSGSSZ;
	info->msgseg = MSGSEG;
	down_read(&ns->msg_ids.rwsem);
	if (cmd == MSG_INFO) {
		info->msgpool = ns->msg_ids.in_use;
		info->msgmap = percpu_counter_sum_positive(&ns->msg_hdrs);
		info->msgtql = percpu_counter_sum_positive(&ns->msg_bytes);
	} else {
		info->msgmap = MSGMAP;
		info->msgpool = MSGPOOL;
		info->msgtql = MSGTQL;
	}
	max_idx = svipc_max_idx(&ns->msg_ids);
	up_read(&ns->msg_ids.rwsem);
	return max_idx < 0 ? 0 : max_idx;
}

static int msgctl_stat(struct svipc_ns *ns, int msqid, int cmd,
		       struct svipc_msqid_ds *ds)
{
	struct svipc_obj *obj;
	struct svipc_msq *q;
	int err;

	memset(ds, 0, sizeof(*ds));
	rcu_read_lock();
	if (cmd == MSG_STAT || cmd == MSG_STAT_ANY)
		obj = svipc_obtain(&ns->msg_ids, msqid);
	else
		obj = svipc_obtain_check(&ns->msg_ids, msqid);
	if (IS_ERR(obj)) {
		err = PTR_ERR(obj);
		goto out_unlock_rcu;
	}
	err = -EACCES;
	if (cmd != MSG_STAT_ANY && svipc_perms(obj, 0444))
		goto out_unlock_rcu;

	q = to_msq(obj);
	svipc_lock(obj);
	err = -EIDRM;
	if (!svipc_valid(obj))
		goto out_unlock;
	svipc_fill_perm(obj, &ds->perm);
	ds->stime = q->stime;
	ds->rtime = q->rtime;
	ds->ctime = q->ctime;
	ds->cbytes = q->cbytes;
	ds->qnum = q->qnum;
	ds->qbytes = q->qbytes;
	ds->lspid = pid_vnr(q->lspid);
	ds->lrpid = pid_vnr(q->lrpid);
	err = (cmd == IPC_STAT) ? 0 : obj->id;
out_unlock:
	svipc_unlock(obj);
out_unlock_rcu:
	rcu_read_unlock();
	return err;
}

/* Remove a queue.  Called with msg_ids.rwsem (write) and the lock held. */
static void msq_remove(struct svipc_msq *q)
	__releases(&q->obj.lock)
{
	struct svipc_ns *ns = q->obj.ns;
	struct svipc_msg *msg, *t;
	struct svipc_wake_q wq = { };

	msg_wake_receivers(q, &wq, -EIDRM);
	msg_wake_senders(q, &wq, true);
	svipc_rmid(&ns->msg_ids, &q->obj);
	svipc_unlock(&q->obj);
	svipc_wake_up_q(&wq);

	/* Removed and unlocked: nobody else touches the message list. */
	list_for_each_entry_safe(msg, t, &q->messages, list) {
		percpu_counter_sub_local(&ns->msg_bytes, msg->size);
		percpu_counter_sub_local(&ns->msg_hdrs, 1);
		msg_free(msg);
	}
	svipc_putref(&q->obj, msq_free_rcu);
}

static int msgctl_down(struct svipc_ns *ns, int msqid, int cmd,
		       const struct svipc_msqid_ds *ds)
{
	struct svipc_obj *obj;
	struct svipc_msq *q;
	struct svipc_wake_q wq = { };
	int qbytes, err;

	down_write(&ns->msg_ids.rwsem);
	rcu_read_lock();
	obj = svipc_obtain_owner(&ns->msg_ids, msqid);
	if (IS_ERR(obj)) {
		err = PTR_ERR(obj);
		goto out_unlock_rcu;
	}
	q = to_msq(obj);

	if (cmd == IPC_RMID) {
		svipc_lock(obj);
		msq_remove(q);		/* unlocks */
		err = 0;
		goto out_unlock_rcu;
	}

	/*
	 * IPC_SET.  Native's msgctl_down() takes msg_qbytes as an int: the
	 * value is cut to its low 32 bits, compared with the unsigned msgmnb
	 * as unsigned, and stored sign-extended.
	 */
	qbytes = (int)lower_32_bits(ds->qbytes);
	if ((u32)qbytes > (u32)svipc_lim(ns, msgmnb) &&
	    !capable(CAP_SYS_RESOURCE)) {
		err = -EPERM;
		goto out_unlock_rcu;
	}
	svipc_lock(obj);
	err = svipc_update_perm(obj, ds->perm.uid, ds->perm.gid,
				ds->perm.mode);
	if (err)
		goto out_unlock;
	q->qbytes = (long)qbytes;
	q->ctime = ktime_get_real_seconds();
	/* Permissions and room changed: everyone waiting rechecks. */
	msg_wake_receivers(q, &wq, -EAGAIN);
	msg_wake_senders(q, &wq, false);
out_unlock:
	svipc_unlock(obj);
	svipc_wake_up_q(&wq);
out_unlock_rcu:
	rcu_read_unlock();
	up_write(&ns->msg_ids.rwsem);
	return err;
}

long svipc_msgctl_ioctl(struct svipc_ns *ns, struct svipc_ctl __user *uarg)
{
	struct svipc_msqid_ds ds;
	struct svipc_msginfo info;
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
	case MSG_INFO:
		err = msgctl_info(ns, a.cmd, &info);
		if (copy_to_user(buf, &info, sizeof(info)))
			err = -EFAULT;
		return err;
	case IPC_STAT:
	case MSG_STAT:
	case MSG_STAT_ANY:
		err = msgctl_stat(ns, a.id, a.cmd, &ds);
		if (err < 0)
			return err;
		if (copy_to_user(buf, &ds, sizeof(ds)))
			err = -EFAULT;
		return err;
	case IPC_SET:
		if (copy_from_user(&ds, buf, sizeof(ds)))
			return -EFAULT;
		return msgctl_down(ns, a.id, a.cmd, &ds);
	case IPC_RMID:
		return msgctl_down(ns, a.id, a.cmd, NULL);
	default:
		return -EINVAL;
	}
}

/* ---- /proc/svipc/msg (proc.c) ------------------------------------------ */

/* Caller holds msg_ids.rwsem and obj->lock. */
void svipc_msg_proc_get(struct svipc_obj *obj, struct svipc_msg_proc *p)
{
	struct svipc_msq *q = to_msq(obj);

	lockdep_assert_held(&obj->ns->msg_ids.rwsem);
	svipc_assert_locked(obj);
	p->cbytes = q->cbytes;
	p->qnum = q->qnum;
	p->lspid = q->lspid;
	p->lrpid = q->lrpid;
	p->stime = q->stime;
	p->rtime = q->rtime;
	p->ctime = q->ctime;
}

int svipc_msg_ns_init(struct svipc_ns *ns)
{
	int err;

	svipc_ids_init(&ns->msg_ids, &msg_ops, ns);
	err = percpu_counter_init(&ns->msg_hdrs, 0, GFP_KERNEL_ACCOUNT);
	if (err)
		return err;
	err = percpu_counter_init(&ns->msg_bytes, 0, GFP_KERNEL_ACCOUNT);
	if (err)
		percpu_counter_destroy(&ns->msg_hdrs);
	return err;
}

/*
 * The namespace died, or the module goes: remove every queue.  No task
 * is in the namespace any more, so nobody waits on them.
 */
void svipc_msg_ns_clear(struct svipc_ns *ns)
{
	struct svipc_obj *obj;
	int id;

	down_write(&ns->msg_ids.rwsem);
	idr_for_each_entry(&ns->msg_ids.idr, obj, id) {
		svipc_lock(obj);
		msq_remove(to_msq(obj));	/* unlocks */
	}
	up_write(&ns->msg_ids.rwsem);
}

void svipc_msg_ns_free(struct svipc_ns *ns)
{
	percpu_counter_destroy(&ns->msg_bytes);
	percpu_counter_destroy(&ns->msg_hdrs);
	svipc_ids_destroy(&ns->msg_ids);
}
