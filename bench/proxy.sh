#!/bin/bash
# bench/proxy.sh -- what egress by host name costs: start-up of a command
# under a profile with a `network allow` rule (network namespace + proxy
# process) next to the same profile without one (hyperfine, -N), and the
# proxy's throughput for one 100 MB download from a server on 127.0.0.2
# against the same download straight over loopback (the server sends with
# sendfile(2); curl, best and median of 5 each; plain HTTP and through a CONNECT tunnel). Needs root (network
# namespaces); skipped otherwise.
#
#   bench/proxy.sh [RUNS]      (default 200)
set -u
. "$(dirname "$0")/lib.sh"

runs=${1:-${BENCH_STARTUP_RUNS:-200}}
[ "$(id -u)" = 0 ] || { echo "proxy: needs root (network namespaces)"; result proxy.startup_ms na; exit 0; }
have curl && have python3 || { echo "proxy: needs curl and python3"; exit 0; }
d=$(mktemp -d /var/tmp/codexpol-bench-proxy.XXXXXX) || die "mktemp"
srv=
trap '[ -n "$srv" ] && kill $srv 2>/dev/null; rm -rf "$d"' EXIT
mkdir "$d/ws" "$d/www"
head -c 100000000 /dev/zero >"$d/www/big"
python3 -u -c '
import http.server, sys, os
os.chdir(sys.argv[1])
class H(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass
    def copyfile(self, src, dst):
        dst.flush()
        self.connection.sendfile(src)
s = http.server.ThreadingHTTPServer(("127.0.0.2", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()' "$d/www" >"$d/port" 2>/dev/null &
srv=$!
for _ in $(seq 100); do [ -s "$d/port" ] && break; sleep 0.1; done
port=$(cat "$d/port")
[ -n "$port" ] || die "the test server did not start"
echo "127.0.0.2 bench.test" >"$d/hosts"
export CODEXPOL_PROXY_HOSTS=$d/hosts
for kind in plain proxy; do
	{
		echo "policy \"bench-$kind\";"
		echo 'sandbox { read "/"; write "$WORKSPACE", "/dev/null"; network none;'
		[ $kind = proxy ] && echo "network allow \"bench.test:$port\";"
		echo '}'
		echo 'rule "everything" { when true; allow because "bench"; }'
	} >"$d/$kind.cpol"
	"$CODEXPOLC" -o "$d/$kind.bin" "$d/$kind.cpol" 2>/dev/null || die "cannot compile $kind.cpol"
done
cd "$d/ws" || exit 1

echo "== proxy: start-up, hyperfine, $runs runs each"
if have hyperfine; then
	hyperfine -N --style basic --warmup 10 --runs "$runs" --export-json "$d/hf.json" \
		-n plain "$CODEXRUN -p $d/plain.bin --audit=$d/audit.jsonl -- /bin/true" \
		-n proxy "$CODEXRUN -p $d/proxy.bin --audit=$d/audit.jsonl -- /bin/true" >"$BENCH_OUT/proxy-hyperfine.txt" 2>&1 ||
		die "hyperfine failed; see $BENCH_OUT/proxy-hyperfine.txt"
	# user and system: CPU time of codexrun and its children (steadier than
	# wall time on a loaded machine; the proxy process is counted)
	printf '%-8s %10s %10s %10s %10s\n' profile "median ms" "min ms" "user ms" "system ms"
	for n in plain proxy; do
		printf '%-8s %10s %10s %10s %10s\n' $n "$(hf_field "$d/hf.json" $n median)" "$(hf_field "$d/hf.json" $n min)" \
			"$(hf_field "$d/hf.json" $n user)" "$(hf_field "$d/hf.json" $n system)"
		result "proxy.startup_${n}_ms" "$(hf_field "$d/hf.json" $n median)"
	done
	echo "proxy - plain: $(python3 -c "print(round($(hf_field "$d/hf.json" proxy median) - $(hf_field "$d/hf.json" plain median), 2))") ms"
else
	echo "(no hyperfine)"
fi

# MB/s of five downloads: "best median"
speeds() {
	for _ in 1 2 3 4 5; do "$@" -s -o /dev/null -w '%{speed_download}\n'; done |
		python3 -c 'import sys, statistics; v = [float(x) / 1e6 for x in sys.stdin]; print(round(max(v)), round(statistics.median(v)))'
}
echo
echo "== proxy: one 100 MB download from 127.0.0.2 (MB/s, best and median of 5)"
direct=$(speeds curl --noproxy '*' "http://127.0.0.2:$port/big")
viahttp=$(speeds "$CODEXRUN" -p "$d/proxy.bin" --audit="$d/audit.jsonl" -- curl "http://bench.test:$port/big")
viatunnel=$(speeds "$CODEXRUN" -p "$d/proxy.bin" --audit="$d/audit.jsonl" -- curl -p "http://bench.test:$port/big")
printf '%-26s %8s %8s\n' path best median
printf '%-26s %8s %8s\n' "direct (loopback)" $direct "through proxy (HTTP)" $viahttp "through proxy (CONNECT)" $viatunnel
result proxy.direct_mbps "${direct%% *}"
result proxy.http_mbps "${viahttp%% *}"
result proxy.tunnel_mbps "${viatunnel%% *}"
