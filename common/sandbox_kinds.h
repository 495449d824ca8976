/* common/sandbox_kinds.h -- the sandbox's vocabulary, declared once: the
 * network modes, the kinds of filesystem roots and what the root's path
 * starts with, the kinds of per-rule grants. The syntax tree, the compiled
 * image and the sandbox spec all use these values, so that nothing maps one
 * list onto another by hand. The image stores them in u8 fields: the values
 * are part of the image format and never change meaning (append only).
 * Declarations only: nothing here may depend on another layer. */
#ifndef CPOL_COMMON_SANDBOX_KINDS_H
#define CPOL_COMMON_SANDBOX_KINDS_H

/* How far the command may reach the network. */
enum cpol_net_mode {
	CPOL_NET_NONE = 0,     /* AF_UNIX only: no TCP connect/bind, no other socket family */
	CPOL_NET_CONNECT = 1,  /* TCP connect to the listed ports only; all socket families */
	CPOL_NET_OUTBOUND = 2, /* TCP connect to any port, no bind except the bind ports */
	CPOL_NET_ANY = 3       /* everything */
};

/* What a filesystem root of a sandbox grants or withholds. */
enum cpol_root_kind {
	CPOL_RK_READ = 0, CPOL_RK_WRITE, CPOL_RK_PROTECT,
	CPOL_RK_UNIX,        /* a pathname UNIX socket that stays reachable */
	CPOL_RK_DENY_READ,   /* never readable, even inside read or write roots */
	/* host rules of the egress proxy: path is a host pattern
	 * ("github.com:443", "*.npmjs.org"), var is CPOL_RV_NONE */
	CPOL_RK_NET_ALLOW,
	CPOL_RK_NET_ALLOW_READ, /* plain HTTP GET/HEAD/OPTIONS only */
	CPOL_RK_NET_DENY
};

/* What the path of a root starts with (expanded when the command runs). */
enum cpol_root_var {
	CPOL_RV_NONE = 0, CPOL_RV_WORKSPACE, CPOL_RV_TMPDIR, CPOL_RV_HOME,
	CPOL_RV_RELATIVE,    /* protect: a name inside every write root */
	CPOL_RV_ANYWHERE     /* deny read: a file name in any folder ("**\/.env"),
	                        path may end with one '*' */
};

/* What an approved prompt of a rule adds to the sandbox for one command. */
enum cpol_grant_kind { CPOL_GRANT_WRITE = 0, CPOL_GRANT_CONNECT, CPOL_GRANT_UNIX };

#endif
