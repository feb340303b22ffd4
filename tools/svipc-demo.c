// SPDX-License-Identifier: GPL-2.0
/*
 * svipc-demo: the textbook's message-queue example on /dev/svipc.
 *
 * A queue is made with a fixed key and IPC_CREAT | IPC_EXCL | 0660, as in
 * the chapter (msgget((key_t)0105, ...)).  A producer process sends
 * typed messages; consumers read them by type: one takes only its own
 * type, one uses a negative type to take the most urgent first, and a
 * last one takes whatever is left in arrival order.
 *
 * Then the chapter's semaphore example: p() and v() on a one-semaphore
 * set guard a critical section that several processes enter in turn,
 * with SEM_UNDO so that a process that dies inside gives the semaphore
 * back.
 *
 * Last, the chapter's shared memory: a segment made with shmget, attached
 * by a writer and a reader with shmat, paired with two semaphores (as the
 * chapter insists) so that the reader sees each record exactly when the
 * writer has finished it; shmctl(IPC_STAT) shows nattch, and shmdt and
 * IPC_RMID end it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "svipc.h"

#define DEMO_KEY	((key_t)0105)
#define MAXNUM		64

struct my_message {
	long mtype;			/* message type */
	char message[MAXNUM];		/* message text */
};

static const char *type_name(long t)
{
	switch (t) {
	case 1: return "urgent";
	case 2: return "normal";
	case 3: return "low";
	default: return "?";
	}
}

static void die(const char *what)
{
	fprintf(stderr, "svipc-demo: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void send(int id, long type, const char *text)
{
	struct my_message m = { .mtype = type };

	snprintf(m.message, sizeof(m.message), "%s", text);
	if (svipc_msgsnd(id, &m, strlen(m.message) + 1, 0) < 0)
		die("msgsnd");
	printf("  [producer %d] sent type %ld (%s): \"%s\"\n",
	       getpid(), type, type_name(type), m.message);
}

static int receive(const char *who, int id, long type, int flags)
{
	struct my_message m;
	ssize_t n = svipc_msgrcv(id, &m, sizeof(m.message), type, flags);

	if (n < 0) {
		if (errno == ENOMSG)
			return 0;
		die("msgrcv");
	}
	printf("  [%s %d] msgrcv(type %ld) got type %ld (%s), %zd bytes: \"%s\"\n",
	       who, getpid(), type, m.mtype, type_name(m.mtype), n, m.message);
	return 1;
}

static void producer(int id)
{
	send(id, 3, "clean the caches");
	send(id, 2, "rotate the logs");
	send(id, 1, "disk almost full");
	send(id, 3, "defragment");
	send(id, 1, "temperature high");
	send(id, 2, "back up /home");
	exit(0);
}

/* The chapter's union, which callers of semctl define themselves. */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

#define SEM_KEY		((key_t)0106)

static void p(int semid)
{
	struct sembuf op = { .sem_num = 0, .sem_op = -1, .sem_flg = SEM_UNDO };

	if (svipc_semop(semid, &op, 1) < 0)
		die("semop(p)");
}

static void v(int semid)
{
	struct sembuf op = { .sem_num = 0, .sem_op = 1, .sem_flg = SEM_UNDO };

	if (svipc_semop(semid, &op, 1) < 0)
		die("semop(v)");
}

static void worker(int semid, int n)
{
	int round;

	for (round = 0; round < 2; round++) {
		p(semid);
		printf("  [process %d] enters the critical section\n", n);
		fflush(stdout);
		usleep(100000);
		printf("  [process %d] leaves it\n", n);
		fflush(stdout);
		v(semid);
	}
	exit(0);
}

static void semaphore_demo(void)
{
	union semun arg = { .val = 1 };
	int semid, i;

	semid = svipc_semget(SEM_KEY, 1, IPC_CREAT | IPC_EXCL | 0600);
	if (semid < 0)
		die("semget(0106, 1, IPC_CREAT|IPC_EXCL|0600)");
	printf("\nsemget(0106, 1, ...) = %d; semctl(SETVAL, 1)\n", semid);
	if (svipc_semctl(semid, 0, SETVAL, arg) < 0)
		die("semctl(SETVAL)");

	printf("Three processes take turns with p()/v():\n");
	fflush(stdout);
	for (i = 1; i <= 3; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0)
			worker(semid, i);
	}
	while (wait(NULL) > 0)
		;

	/* A process killed inside the critical section: SEM_UNDO frees it. */
	{
		int ready[2], c = 0;
		pid_t pid;

		if (pipe(ready) < 0)
			die("pipe");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			p(semid);
			if (write(ready[1], "x", 1) != 1)
				exit(1);
			pause();
			exit(0);
		}
		if (read(ready[0], &c, 1) != 1)
			die("read");
		printf("\nprocess %d holds the semaphore (value %d) and is killed...\n",
		       pid, svipc_semctl(semid, 0, GETVAL));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		printf("...SEM_UNDO gave it back: value %d\n",
		       svipc_semctl(semid, 0, GETVAL));
	}

	if (svipc_semctl(semid, 0, IPC_RMID) < 0)
		die("semctl(IPC_RMID)");
	printf("semctl(IPC_RMID): set %d removed\n", semid);
}

#define SHM_KEY		((key_t)0107)
#define RECORDS		4

struct board {
	int n;
	char text[RECORDS][48];
};

/* One semaphore op without undo: the pair hands the board back and forth. */
static void semop1(int semid, int num, int op)
{
	struct sembuf sb = { .sem_num = num, .sem_op = op, .sem_flg = 0 };

	if (svipc_semop(semid, &sb, 1) < 0)
		die("semop");
}

static void shared_memory_demo(void)
{
	union semun arg = { .val = 0 };
	struct shmid_ds ds;
	struct board *b;
	int shmid, semid, i;
	pid_t pid;

	shmid = svipc_shmget(SHM_KEY, sizeof(struct board), IPC_CREAT | IPC_EXCL | 0600);
	if (shmid < 0)
		die("shmget(0107, ..., IPC_CREAT|IPC_EXCL|0600)");
	/* Semaphore 0: a record is ready; 1: the board is free to write. */
	semid = svipc_semget(IPC_PRIVATE, 2, 0600);
	if (semid < 0)
		die("semget");
	arg.val = 1;
	if (svipc_semctl(semid, 1, SETVAL, arg) < 0)
		die("semctl(SETVAL)");
	printf("\nshmget(0107, %zu, ...) = %d, guarded by semaphore set %d\n",
	       sizeof(struct board), shmid, semid);
	fflush(stdout);

	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		/* The reader: attaches read-only, takes each record in turn. */
		const struct board *rb = svipc_shmat(shmid, NULL, SHM_RDONLY);

		if (rb == (void *)-1)
			die("shmat(SHM_RDONLY)");
		for (i = 0; i < RECORDS; i++) {
			semop1(semid, 0, -1);
			printf("  [reader] record %d: \"%s\"\n", rb->n, rb->text[i]);
			fflush(stdout);
			semop1(semid, 1, 1);
		}
		if (svipc_shmdt(rb) < 0)
			die("shmdt");
		exit(0);
	}

	b = svipc_shmat(shmid, NULL, 0);
	if (b == (void *)-1)
		die("shmat");
	printf("shmat(%d, NULL, 0) = %p\n", shmid, (void *)b);
	for (i = 0; i < RECORDS; i++) {
		semop1(semid, 1, -1);
		b->n = i + 1;
		snprintf(b->text[i], sizeof(b->text[i]), "record %d, written by %d",
			 i + 1, getpid());
		/* The reader has taken record 1, so it is attached by now. */
		if (i == 1) {
			if (svipc_shmctl(shmid, IPC_STAT, &ds) < 0)
				die("shmctl(IPC_STAT)");
			printf("shmctl(IPC_STAT): %zu bytes, %lu attaches, made by %d\n",
			       (size_t)ds.shm_segsz, (unsigned long)ds.shm_nattch,
			       ds.shm_cpid);
			fflush(stdout);
		}
		semop1(semid, 0, 1);
	}
	waitpid(pid, NULL, 0);
	if (svipc_shmdt(b) < 0)
		die("shmdt");
	if (svipc_shmctl(shmid, IPC_STAT, &ds) < 0)
		die("shmctl(IPC_STAT)");
	printf("after both shmdt: %lu attaches\n", (unsigned long)ds.shm_nattch);
	if (svipc_shmctl(shmid, IPC_RMID, NULL) < 0 ||
	    svipc_semctl(semid, 0, IPC_RMID) < 0)
		die("IPC_RMID");
	printf("shmctl(IPC_RMID): segment %d removed\n", shmid);
}

int main(void)
{
	struct msqid_ds ds;
	pid_t pid;
	int id, status;

	id = svipc_msgget(DEMO_KEY, IPC_CREAT | IPC_EXCL | 0660);
	if (id < 0)
		die("msgget(0105, IPC_CREAT|IPC_EXCL|0660)");
	printf("msgget(0105, IPC_CREAT|IPC_EXCL|0660) = %d\n", id);
	if (svipc_msgget(DEMO_KEY, IPC_CREAT | IPC_EXCL | 0660) < 0)
		printf("a second msgget with IPC_EXCL fails: %s\n", strerror(errno));

	printf("\nA consumer waits for type 2 before anything is sent:\n");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		receive("consumer", id, 2, 0);
		exit(0);
	}
	sleep(1);

	printf("\nThe producer sends six typed messages:\n");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		producer(id);
	while (wait(&status) > 0)
		;

	if (svipc_msgctl(id, IPC_STAT, &ds) < 0)
		die("msgctl(IPC_STAT)");
	printf("\nmsgctl(IPC_STAT): %lu messages, %lu bytes queued, last sender %d\n",
	       (unsigned long)ds.msg_qnum, (unsigned long)ds.__msg_cbytes,
	       ds.msg_lspid);

	printf("\nmsgrcv with type -2 takes the most urgent first:\n");
	while (receive("urgent-reader", id, -2, IPC_NOWAIT))
		;
	printf("\nmsgrcv with type 0 takes the rest in arrival order:\n");
	while (receive("reader", id, 0, IPC_NOWAIT))
		;

	if (svipc_msgctl(id, IPC_RMID, NULL) < 0)
		die("msgctl(IPC_RMID)");
	printf("\nmsgctl(IPC_RMID): queue %d removed\n", id);
	if (svipc_msgget(DEMO_KEY, 0) < 0)
		printf("msgget(0105, 0) now fails: %s\n", strerror(errno));

	semaphore_demo();
	shared_memory_demo();
	return 0;
}
