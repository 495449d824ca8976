#!/bin/sh
# tests/oracle/test_attacks.sh -- the attacker's table (attacks.tsv): every
# line is judged as `sh -c LINE` by each sandboxed stdlib profile through
# codexrun --explain --json (nothing runs) and must get at least the
# decision its row expects. One TAP test per row; a row marked todo that
# still fails is "not ok # TODO", one that passes is a bonus "ok # TODO".
# The closing comment counts the rows some profile still allows.
. "${top_srcdir:-.}/tests/tools/tap.sh"
table=$top_srcdir/tests/oracle/attacks.tsv
profiles="offline net-read-only workspace-write workspace-net"
for p in $profiles; do
	[ -r "$top_builddir/stdlib-policies/$p.bin" ] || { echo "1..0 # SKIP no $p.bin (run make)"; exit 0; }
done
mkdir "$scratch/ws" && cd "$scratch/ws" || exit 99
rows=$(grep -vc '^\(#\|$\)' "$table")
plan "$rows"
allowed=0
grep -v '^\(#\|$\)' "$table" >"$scratch/rows"
while IFS='	' read -r expect state class line; do
	line=$(printf '%s\n' "$line" | sed "s|@WS@|$scratch/ws|g")
	bad=
	for p in $profiles; do
		d=$("$CODEXRUN" -p "$top_builddir/stdlib-policies/$p.bin" --audit=none --explain --json \
			-- sh -c "$line" 2>/dev/null |
			sed -n '1s/^{"decision":"\([a-z]*\)","rule":"\(\([^"\\]\|\\.\)*\)".*/\1	\2/p')
		dec=${d%%	*}
		rule=${d#*	}
		case $expect:$dec in
		*:) bad="$bad $p=error" ;;
		forbid:forbid | prompt:forbid | prompt:prompt | no-rule:forbid | no-rule:prompt) ;;
		no-rule:allow)
			case $rule in *default* | *Default*) ;; *) bad="$bad $p=allow($rule)" ;; esac ;;
		*) bad="$bad $p=$dec($rule)" ;;
		esac
	done
	# printf, not echo: dash's echo would expand the lines' backslashes;
	# "#" is escaped, TAP would read a directive
	what=$(printf '%s: %s (expect %s)' "$class" "$line" "$expect" | sed 's/#/\\#/g')
	tap_n=$((tap_n + 1))
	if [ -n "$bad" ]; then
		allowed=$((allowed + 1))
		if [ "$state" = todo ]; then
			printf 'not ok %d - %s:%s # TODO judged too weakly today\n' "$tap_n" "$what" "$bad"
		else
			printf 'not ok %d - %s:%s\n' "$tap_n" "$what" "$bad"
		fi
	elif [ "$state" = todo ]; then
		printf 'ok %d - %s # TODO fixed: mark the row a real check\n' "$tap_n" "$what"
	else
		printf 'ok %d - %s\n' "$tap_n" "$what"
	fi
done <"$scratch/rows"
diag "rows judged too weakly by some profile: $allowed of $rows"
finish
