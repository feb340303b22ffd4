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
	return 0;
}
