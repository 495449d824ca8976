# tests/oracle/fixture-paths.awk -- which workspace-relative paths a command
# line names, so that the oracle can make them in its throwaway copy of the
# fixture before the line runs: a command that names build/index or cd's
# into internal/ then goes on to do what it says (install the file, write
# the key) instead of failing at once for want of the path and counting as
# clean. Prints one path per line, "d<TAB>PATH" (a folder) or "f<TAB>PATH" (a
# small text file); lib.sh (oracle_fixture_paths) makes those that do not
# exist yet. It never prints an absolute path, a path with "..", one under
# "~", a URL, or a word with shell expansions in it, and it never writes
# anything itself.
#
# A word names a path when it looks like one: only path characters, and a
# "/" in it or a known file extension at its end. The value of an
# "--option=VALUE" or "NAME=VALUE" word counts as a word. A word is a folder
# when it is an argument of cd or pushd, ends with "/", or a longer named
# path lies under it; otherwise a file. What mkdir is given (and what lies
# under it) is left for mkdir to make. The first word of a simple
# command (the program) is never a path: making an unknown ./configure
# would only turn "not installed" into a different failure.
#
# Input: the line in the environment variable FIXTURE_LINE (awk -v would
# interpret its backslashes).

function known_ext(w) {
	return w ~ /[A-Za-z0-9_-]\.(txt|md|rst|c|h|cc|cpp|hpp|py|js|mjs|ts|tsx|jsx|json|ya?ml|toml|ini|cfg|conf|log|csv|tsv|xml|html?|css|sh|bash|go|rs|java|kt|rb|php|pl|sql|lock|tar|gz|tgz|bz2|xz|zst|zip|jar|war|whl|deb|rpm|png|jpe?g|gif|svg|pdf|o|so|a|img|iso|pem|key|crt|pub|service|dat|bin|patch|diff|env|out|db|sqlite|proto|tf|mod|sum)$/
}

# The path a word names, "" when none. A trailing "/" is kept: it marks a
# folder.
function pathword(w, quoted,    k) {
	if (w ~ /^-/ || w ~ /^[A-Za-z_][A-Za-z0-9_]*=/) {
		k = index(w, "=")
		if (!k)
			return ""
		w = substr(w, k + 1)
	}
	sub(/^(\.\/)+/, "", w)
	if (w == "" || w == "." || w == "/" || w ~ /^[\/~-]/)
		return ""
	# a sed substitution is not a path
	if (w ~ /^s\/.*\/.*\/[gip0-9]*$/)
		return ""
	if (w !~ /^[A-Za-z0-9_.@+,\/-]+$/ || w ~ /(^|\/)\.\.(\/|$)/ || w ~ /\/\/|\/\.\//)
		return ""
	if (index(w, "/") || known_ext(w))
		return w
	return ""
}

# Splits LINE into words: w[1..n] the words, cmd[i] = 1 for the first word
# of a simple command, dirarg[i] = 1 for the arguments of cd/pushd/mkdir.
# Appends to the words already split (n). The argument of a shell's -c is
# queued as a script of its own.
function split_line(s,    i, c, k, cur, inword, atcmd, prog, assign) {
	cur = ""; inword = 0; atcmd = 1; prog = ""
	for (i = 1; i <= length(s) + 1; i++) {
		c = i <= length(s) ? substr(s, i, 1) : "\n"
		if (c == "'") {
			k = index(substr(s, i + 1), "'")
			if (!k) k = length(s) - i + 1
			cur = cur substr(s, i + 1, k - 1); i += k; inword = 1
			continue
		}
		if (c == "\"") {
			for (i++; i <= length(s) && substr(s, i, 1) != "\""; i++) {
				if (substr(s, i, 1) == "\\") i++
				cur = cur substr(s, i, 1)
			}
			inword = 1
			continue
		}
		if (c == "\\") { i++; cur = cur substr(s, i, 1); inword = 1; continue }
		if (c ~ /[ \t\n;&|()<>`]/) {
			if (inword) {
				w[++n] = cur
				assign = cur ~ /^[A-Za-z_][A-Za-z0-9_]*=/
				cmd[n] = atcmd && !assign
				if (cmd[n]) { prog = cur; sub(/^.*\//, "", prog) }
				if (!atcmd && prog ~ /^(ba|da|z|k|fi)?sh$/ && n > 1 && w[n - 1] ~ /^-[a-z]*c[a-z]*$/)
					script[++nscript] = cur
				dirarg[n] = !atcmd && (prog == "cd" || prog == "pushd")
				mkarg[n] = !atcmd && prog == "mkdir"
				# assignments and `sudo`/`env`-style wrappers leave the
				# program still to come
				atcmd = atcmd && (assign || cur ~ /^(sudo|env|time|nice|nohup|exec|command|builtin|then|do|else|if|while|until|!)$/)
				cur = ""; inword = 0
			}
			if (c ~ /[;&|(`\n]/)
				atcmd = 1
			if (c ~ /[<>]/)
				atcmd = 0
			continue
		}
		cur = cur c; inword = 1
	}
}

BEGIN {
	n = 0
	script[nscript = 1] = ENVIRON["FIXTURE_LINE"]
	for (s = 1; s <= nscript && s <= 8; s++)
		split_line(script[s])
	m = 0
	for (i = 1; i <= n; i++) {
		if (mkarg[i]) {
			# mkdir makes these itself (and a plain mkdir of one that
			# exists would fail and stop the line)
			if ((p = pathword(w[i] "/")) != "") {
				sub(/\/+$/, "", p)
				made[p] = 1
			}
			continue
		}
		if (cmd[i] || (p = pathword(w[i])) == "")
			if (!(dirarg[i] && !cmd[i] && (p = pathword(w[i] "/")) != ""))
				continue
		if (dirarg[i] && p !~ /\/$/)
			p = p "/"
		isdir = p ~ /\/$/
		sub(/\/+$/, "", p)
		if (p in kind) {
			if (isdir) kind[p] = "d"
			continue
		}
		kind[p] = isdir ? "d" : "f"
		order[++m] = p
	}
	# a named path with another under it is a folder
	for (i = 1; i <= m; i++)
		for (j = 1; j <= m; j++)
			if (i != j && index(order[j], order[i] "/") == 1)
				kind[order[i]] = "d"
	for (i = 1; i <= m; i++) {
		p = order[i]
		for (q in made)
			if (p == q || index(p, q "/") == 1)
				p = ""
		if (p != "")
			print kind[p] "\t" p
	}
}
