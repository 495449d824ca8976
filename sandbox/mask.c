/* sandbox/mask.c -- `deny read` where Landlock cannot hold it: inside a
 * write root (which grants reading everything below it). In the parent,
 * which of the paths the `deny read` plan (denyread.c) masks exist and
 * what they are; in the child,
 * after the other mounts of its private namespace, /dev/null bound
 * read-only over each file and an empty read-only tmpfs over each folder,
 * so that no program, by no name (a link, /proc/self/root), reads what was
 * there. It never touches the files themselves or the parent's mounts, and
 * the child side never allocates.
 *
 * Limits (said in codexrun(1)): the mask is taken when the run starts --
 * a matching file created during the run is readable; a hard link made
 * earlier under another name stays readable; writes to a masked file go to
 * /dev/null. Without a mount namespace (no root, no user namespaces) the
 * masks are reported as not enforced. */
#include "sandbox/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

int cpol_mask_plan(struct cpol_sandbox *sb, cpol_error *err)
{
	const struct cpol_denyread *d = &sb->deny;
	if (!d->nmask)
		return 0;
	if (!(sb->masks = cpol_sb_calloc(d->nmask, sizeof *sb->masks, err)) ||
	    !(sb->mask_dir = cpol_sb_calloc(d->nmask, 1, err)))
		return -1;
	for (size_t i = 0; i < d->nmask; i++) {
		struct stat st;
		if (lstat(d->masks[i], &st) < 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
			continue; /* gone, or a link: its target is masked on its own if it matches */
		if (!(sb->masks[sb->nmask] = cpol_sb_strdup(d->masks[i], err)))
			return -1;
		sb->mask_dir[sb->nmask++] = S_ISDIR(st.st_mode);
	}
	return 0;
}

int cpol_mask_enter(const struct cpol_sandbox *sb, cpol_error *err)
{
	for (size_t i = 0; i < sb->nmask; i++) {
		const char *p = sb->masks[i];
		int r;
		if (sb->mask_dir[i]) {
			r = mount("none", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555");
		} else {
			r = mount("/dev/null", p, NULL, MS_BIND, NULL);
			if (r == 0)
				(void)mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC, NULL);
		}
		if (r < 0 && errno != ENOENT) /* gone since the plan: nothing left to read */
			return cpol_fail_errno(err, "sandbox: masking the denied %s", p);
	}
	return 0;
}

void cpol_mask_free(struct cpol_sandbox *sb)
{
	for (size_t i = 0; i < sb->nmask; i++)
		free(sb->masks[i]);
	free(sb->masks);
	free(sb->mask_dir);
}
