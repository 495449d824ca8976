/* sandbox/sandbox.c -- prepare / enter / free: what is enforced and in which
 * order. prepare (parent) asks the kernel what it offers, fills the report,
 * plans `deny read` (denyread.c), builds the Landlock ruleset and the seccomp program, plans the protected
 * paths; enter (child, after fork) applies them in this order: mount
 * namespace and read-only binds (needs CAP_SYS_ADMIN), capability drop,
 * no_new_privs, Landlock, seccomp last (it refuses mount, so it must come
 * after the binds). enter never allocates and is async-signal-safe.
 */
#include "sandbox/internal.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

void cpol_report_add(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	if (used + 1 >= len)
		return;
	if (used) {
		snprintf(buf + used, len - used, "; ");
		used = strlen(buf);
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static int validate(const struct cpol_sandbox_spec *spec, cpol_error *err)
{
	if (!spec)
		return cpol_fail(err, EINVAL, "sandbox: no spec");
	if (spec->net < CPOL_NET_NONE || spec->net > CPOL_NET_ANY)
		return cpol_fail(err, EINVAL, "sandbox: unknown network mode %d", (int)spec->net);
	if ((spec->nread && !spec->read_roots) || (spec->nwrite && !spec->write_roots) ||
	    (spec->nprotect && !spec->protect) || (spec->nconnect && !spec->connect_ports) ||
	    (spec->nbind && !spec->bind_ports) || (spec->nunix && !spec->unix_allow) ||
	    (spec->ndeny_read && !spec->deny_read) || (spec->ndeny_names && !spec->deny_names))
		return cpol_fail(err, EINVAL, "sandbox: a list with a count but no entries");
	if (spec->prebuilt.data || spec->prebuilt.len)
		return cpol_seccomp_check(spec->prebuilt.data, spec->prebuilt.len, err);
	return 0;
}

/* The seccomp program: the prebuilt one (the image's, from
 * cpol_seccomp_export) when it is for this architecture and this kind of
 * write roots, else one built now. */
static int prepare_seccomp(const struct cpol_sandbox_spec *spec, struct cpol_sandbox *sb,
                           struct cpol_sandbox_report *report, cpol_error *err)
{
	void *prog = NULL;
	size_t len = 0;
	unsigned flags = (sb->readonly_fs ? CPOL_SECCOMP_READONLY : 0) |
	                 (spec->nbind ? CPOL_SECCOMP_INBOUND : 0);
	const struct cpol_sandbox_prebuilt *pb = &spec->prebuilt;
	if (pb->data && pb->target == cpol_seccomp_native_arch() &&
	    !(pb->flags & CPOL_PREBUILT_READONLY) == !sb->readonly_fs) {
		prog = malloc(pb->len);
		if (!prog)
			return cpol_fail(err, ENOMEM, "sandbox: out of memory");
		memcpy(prog, pb->data, pb->len);
		len = pb->len;
	} else {
		if (pb->data && pb->target == cpol_seccomp_native_arch())
			cpol_report_add(report->notes, sizeof report->notes,
			                "prebuilt seccomp filter %s metadata changes: built one",
			                sb->readonly_fs ? "allows" : "refuses");
		else if (pb->data)
			cpol_report_add(report->notes, sizeof report->notes,
			                "prebuilt seccomp filter is for arch 0x%x, not 0x%x: "
			                "built one", (unsigned)pb->target,
			                (unsigned)cpol_seccomp_native_arch());
		uint32_t arch;
		if (cpol_seccomp_export(spec->net, flags, &prog, &len, &arch, err) < 0)
			return -1;
	}
	sb->bpf = prog;
	sb->bpf_insns = (unsigned short)(len / sizeof(struct sock_filter));
	return 0;
}

/* Is any write root a folder (the only kind that needs chmod and friends,
 * and the only kind that can hold protected paths)? */
static int has_folder_root(const struct cpol_sandbox_spec *spec)
{
	for (size_t i = 0; i < spec->nwrite; i++) {
		struct stat st;
		if (spec->write_roots[i] && stat(spec->write_roots[i], &st) == 0 && S_ISDIR(st.st_mode))
			return 1;
	}
	return 0;
}

void *cpol_sb_calloc(size_t n, size_t size, cpol_error *err)
{
	void *p = calloc(n, size);
	if (!p)
		cpol_fail(err, ENOMEM, "sandbox: out of memory");
	return p;
}

char *cpol_sb_strdup(const char *s, cpol_error *err)
{
	char *p = strdup(s);
	if (!p)
		cpol_fail(err, ENOMEM, "sandbox: out of memory");
	return p;
}

struct cpol_sandbox *cpol_sandbox_prepare(const struct cpol_sandbox_spec *spec,
                                          struct cpol_sandbox_report *report,
                                          cpol_error *err)
{
	struct cpol_sandbox_report local;
	if (!report)
		report = &local;
	memset(report, 0, sizeof *report);
	if (validate(spec, err) < 0)
		return NULL;
	struct cpol_sandbox *sb = cpol_sb_calloc(1, sizeof *sb, err);
	if (!sb)
		return NULL;
	sb->owner = getpid();
	sb->ruleset_fd = -1;
	report->landlock_abi = cpol_landlock_abi();
	if (spec->trusted) { /* no_new_privs only */
		sb->trusted = 1;
		return sb;
	}

	/* deny read: Landlock is given the rest of the read roots, plus the
	 * folders on the way (listable only); the rest of the backend sees
	 * the same roots. */
	struct cpol_sandbox_spec held = *spec;
	if (cpol_denyread_spec(spec, &sb->deny, err) < 0)
		goto fail;
	if (sb->deny.reads) {
		held.read_roots = (const char *const *)sb->deny.reads;
		held.nread = sb->deny.nread;
	}
	spec = &held;

	int abi = report->landlock_abi;
	int have_seccomp = cpol_seccomp_available();
	cpol_landlock_degraded(abi, spec, report->degraded, sizeof report->degraded);
	if (!have_seccomp)
		cpol_report_add(report->degraded, sizeof report->degraded,
		                "seccomp unavailable: %ssocket families, io_uring, ptrace, "
		                "mount and module calls not blocked",
		                spec->net == CPOL_NET_NONE && abi < 4 ? "TCP, " : "");

	report->fs_enforced = abi >= 1;
	report->scope_enforced = abi >= 6;
	report->seccomp_enforced = have_seccomp;
	switch (spec->net) {
	case CPOL_NET_NONE: /* UDP, raw, ... only seccomp refuses */
		report->net_enforced = have_seccomp;
		break;
	case CPOL_NET_CONNECT:
	case CPOL_NET_OUTBOUND:
		report->net_enforced = abi >= 4;
		break;
	case CPOL_NET_ANY:
		report->net_enforced = 1;
		break;
	}

	sb->readonly_fs = have_seccomp && !has_folder_root(spec);
	if (cpol_tmpdir_plan(spec, sb, report, err) < 0)
		goto fail;
	if (abi >= 1) {
		sb->ruleset_fd = cpol_landlock_build(spec, (const char *const *)sb->deny.lists, sb->deny.nlist, abi,
		                                     report, err);
		if (sb->ruleset_fd < 0)
			goto fail;
		if (sb->tmpdir && cpol_landlock_add_write(sb->ruleset_fd, sb->tmpdir, abi, report, err) < 0)
			goto fail;
	}
	if (have_seccomp && prepare_seccomp(spec, sb, report, err) < 0)
		goto fail;

	sb->drop_caps = 1;
	sb->cap_last = cpol_caps_last();
	report->caps_dropped = 1;

	if (cpol_unixsock_plan(spec, sb, report, err) < 0 || cpol_coderun_plan(spec, sb, err) < 0 ||
	    cpol_mask_plan(sb, err) < 0)
		goto fail;
	report->sockets_hidden = sb->nhidden;
	/* Last: it may make placeholder directories, which free() removes. */
	if (cpol_protect_plan(spec, report->fs_enforced, sb, report, err) < 0)
		goto fail;
	report->protect_enforced = sb->ntargets > 0;
	cpol_tmpdir_finish(sb);
	cpol_coderun_start(sb);
	sb->drop_bounding = sb->mount_mode == CPOL_MNT_USERNS || cpol_caps_effective(CAP_SETPCAP);
	if (sb->deny.degraded[0])
		cpol_report_add(report->degraded, sizeof report->degraded, "%s", sb->deny.degraded);

	if (spec->require && report->degraded[0]) {
		cpol_fail(err, ENOTSUP, "sandbox required but not fully enforceable: %s",
		          report->degraded);
		goto fail;
	}
	return sb;

fail:
	cpol_sandbox_free(sb);
	return NULL;
}

int cpol_sandbox_enter(const struct cpol_sandbox *sb, cpol_error *err)
{
	if (!sb)
		return cpol_fail(err, EINVAL, "sandbox: not prepared");
	if (!sb->trusted) {
		if (cpol_protect_enter(sb, err) < 0)
			return -1;
		if (sb->drop_caps && cpol_caps_drop(sb->cap_last, sb->drop_bounding, err) < 0)
			return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return cpol_fail_errno(err, "sandbox: PR_SET_NO_NEW_PRIVS");
	if (sb->trusted)
		return 0;
	if (sb->ruleset_fd >= 0 && cpol_landlock_apply(sb->ruleset_fd, err) < 0)
		return -1;
	if (sb->bpf && cpol_seccomp_load(sb->bpf, sb->bpf_insns, err) < 0)
		return -1;
	return 0;
}

void cpol_sandbox_free(struct cpol_sandbox *sb)
{
	if (!sb)
		return;
	int owner = getpid() == sb->owner;
	for (size_t i = 0; i < sb->ntargets; i++) {
		struct cpol_protect_target *t = &sb->targets[i];
		if (owner)
			cpol_placeholder_release(t);
		else if (t->lock_fd >= 0)
			close(t->lock_fd); /* a child's copy: the parent keeps the lock */
		free(t->path);
	}
	free(sb->targets);
	if (owner)
		cpol_tmpdir_remove(sb);
	free(sb->tmpdir);
	free(sb->tmpdir_env);
	cpol_coderun_free(sb);
	cpol_mask_free(sb);
	cpol_denyread_free(&sb->deny);
	for (size_t i = 0; i < sb->nhidden; i++)
		free(sb->hidden[i]);
	free(sb->hidden);
	for (size_t i = 0; i < sb->nrw; i++)
		free(sb->rw[i].path);
	free(sb->rw);
	free(sb->rw_fds);
	free(sb->cwd);
	if (sb->ruleset_fd >= 0)
		close(sb->ruleset_fd);
	free(sb->bpf);
	free(sb);
}

void cpol_sandbox_set_classic_mount(struct cpol_sandbox *sb, int on)
{
	if (sb)
		sb->classic_mount = on;
}
