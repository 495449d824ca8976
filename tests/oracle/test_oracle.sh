#!/bin/sh
# tests/oracle/test_oracle.sh -- the kernel oracle over the fixed subset of
# the corpus (corpus/subset.txt) for the offline and workspace-write
# profiles, as TAP: every rule-allowed command run under strace in a
# throwaway sandbox must try no write outside the writable roots and no
# network. The violations known today (known-violations.tsv) are TODO.
# Skipped without root, unshare(1) or strace. `make oracle` runs the whole
# corpus for every sandboxed profile.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
exec sh "$top_srcdir/tests/oracle/oracle.sh" --tap --profiles=offline,workspace-write \
	--known="$top_srcdir/tests/oracle/known-violations.tsv" "$top_srcdir/tests/oracle/corpus/subset.txt"
