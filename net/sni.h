/* net/sni.h -- the server name a TLS client asks for: the server_name
 * extension of the ClientHello at the start of a tunnel.
 *
 * Reads the TLS records at the start of buf (the handshake may span several
 * records, up to CPOL_SNI_MAX bytes in all). Never allocates, never makes a
 * system call; every length is checked against what encloses it. */
#ifndef CPOL_NET_SNI_H
#define CPOL_NET_SNI_H

#include <stddef.h>

#include "net/hostpat.h"

enum { CPOL_SNI_MAX = 16384 };

/* Results of cpol_sni_parse. */
enum {
	CPOL_SNI_MORE = 0,     /* a ClientHello so far: need more bytes */
	CPOL_SNI_FOUND = 1,    /* name filled (lower case) */
	CPOL_SNI_NONE = 2,     /* a whole ClientHello without a server name */
	CPOL_SNI_NOTTLS = 3,   /* the first byte is no TLS handshake record */
	CPOL_SNI_BAD = -1      /* broken or oversized: refuse the tunnel */
};

/* Is the first byte of a tunnel the start of a TLS handshake record? */
int cpol_sni_is_tls(unsigned char first);
int cpol_sni_parse(const unsigned char *buf, size_t n, char name[CPOL_HOST_MAX + 2]);

#endif
