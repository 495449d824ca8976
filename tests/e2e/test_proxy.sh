#!/bin/sh
# tests/e2e/test_proxy.sh -- egress by host name through codexrun's proxy,
# on the real kernel (root: the command gets a network namespace of its
# own): an allowed host is reached by plain HTTP and through a CONNECT
# tunnel; a listed host on another port, an unlisted host, a private
# address reached through a wildcard, a direct connection around the proxy,
# a raw socket, a POST under `network allow read` and a TLS server name
# that is not allowed are refused, and each refusal is in the audit log.
# Test servers listen on 127.0.0.x, port 0; names come from a hosts file
# given to the proxy (CODEXPOL_PROXY_HOSTS), so no real DNS is used.
set -u
top=$(cd "${top_builddir:-.}" && pwd)
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (network namespaces)"; exit 0; }
for p in curl python3 openssl; do
	command -v $p >/dev/null || { echo "1..0 # SKIP no $p"; exit 0; }
done
d=$(mktemp -d /var/tmp/codexpol-proxy.XXXXXX) || exit 1
pids=
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$d"; }
trap cleanup EXIT INT TERM
mkdir "$d/ws" "$d/www"
echo hello-through-proxy > "$d/www/f.txt"

# serve ADDR: an HTTP server on ADDR, port 0; prints the port
serve() {
	python3 -u -c '
import http.server, sys, os
os.chdir(sys.argv[2])
class H(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"posted\n")
s = http.server.ThreadingHTTPServer((sys.argv[1], 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()' "$1" "$d/www" > "$d/port.$1" 2>/dev/null &
	pids="$pids $!"
	i=0
	while [ ! -s "$d/port.$1" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
	cat "$d/port.$1"
}
p1=$(serve 127.0.0.2)
p2=$(serve 127.0.0.3)
[ -n "$p1" ] && [ -n "$p2" ] || { echo "Bail out! test servers did not start"; exit 1; }
cat > "$d/hosts" <<H
127.0.0.2 ok.test
127.0.0.2 ro.test
127.0.0.3 priv.test
127.0.0.3 exact.test
H
cat > "$d/p.cpol" <<P
policy "proxy-test";
sandbox {
    read "/";
    write "\$WORKSPACE";
    network none;
    network allow "ok.test:$p1", "*.test:$p2", "exact.test:$p2";
    network allow read "ro.test:$p1";
    network deny "bad.test";
}
rule "everything" { when true; allow because "test"; }
P
"$top/codexpolc" "$d/p.cpol" -o "$d/p.bin" 2>/dev/null || { echo "Bail out! the test policy does not compile"; exit 1; }
export CODEXPOL_PROXY_HOSTS="$d/hosts"
fails=0
n=0
echo "1..19"
# TAP: "ok N - NAME", or "not ok N - NAME" with what was wrong as a comment
tap() { # STATUS NAME [WHY]
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; echo "# $3"; fails=$((fails + 1)); fi
}
run() { (cd "$d/ws" && "$top/codexrun" -p "$d/p.bin" --audit="$d/audit.jsonl" -- "$@"); }
expect() { # NAME WANT GOT
	[ "$2" = "$3" ]; tap $? "$1" "want [$2] got [$3]"
}
refused() { # NAME HOST:PORT: the audit log holds a refusal for it
	grep '"op":"network"' "$d/audit.jsonl" | grep -q "\"reason\":\"$2\""; tap $? "$1 audited" "no audit record for $2"
}

expect "plain HTTP to an allowed host" hello-through-proxy "$(run curl -sS -m 10 http://ok.test:$p1/f.txt 2>&1)"
expect "CONNECT tunnel to an allowed host" hello-through-proxy "$(run curl -sS -m 10 -p http://ok.test:$p1/f.txt 2>&1)"
expect "the proxy variables are set" "http://127.0.0.1:3128" "$(run sh -c 'echo $HTTPS_PROXY')"
expect "a listed host on another port" 403 "$(run curl -s -m 10 -o /dev/null -w '%{http_code}' http://ok.test:$((p1 == 65535 ? 1 : p1 + 1))/f.txt 2>/dev/null)"
expect "an unlisted host" 403 "$(run curl -s -m 10 -o /dev/null -w '%{http_code}' http://unlisted.example:$p1/f.txt)"
refused "an unlisted host" "unlisted.example:$p1"
expect "a private address through a wildcard" 403 "$(run curl -s -m 10 -o /dev/null -w '%{http_code}' http://priv.test:$p2/f.txt)"
refused "a private address" "priv.test:$p2"
expect "a listed private host by its exact name" hello-through-proxy "$(run curl -sS -m 10 http://exact.test:$p2/f.txt 2>&1)"
expect "an IP address not listed" 403 "$(run curl -s -m 10 -o /dev/null -w '%{http_code}' http://127.0.0.2:$p1/f.txt)"
expect "a denied host" 403 "$(run curl -s -m 10 -o /dev/null -w '%{http_code}' http://bad.test/f.txt)"
expect "around the proxy" 000 "$(run curl -s -m 5 --noproxy '*' -o /dev/null -w '%{http_code}' http://127.0.0.2:$p1/f.txt)"
expect "a raw socket" refused "$(run python3 -c '
import socket
try:
    socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP); print("opened")
except OSError: print("refused")' 2>/dev/null)"
expect "GET under network allow read" hello-through-proxy "$(run curl -sS -m 10 http://ro.test:$p1/f.txt 2>&1)"
expect "POST under network allow read" 403 "$(run curl -s -m 10 -o /dev/null -w '%{http_code}' -d x http://ro.test:$p1/f.txt)"
expect "POST under network allow" posted "$(run curl -sS -m 10 -d x http://ok.test:$p1/f.txt 2>&1)"
# a tunnel to an allowed host whose TLS ClientHello names another
run sh -c "echo | openssl s_client -proxy 127.0.0.1:3128 -connect ok.test:$p1 -servername evil.example" >/dev/null 2>&1
refused "a TLS server name not in network allow" "ok.test:$p1"
grep -q 'TLS server name evil.example' "$d/audit.jsonl"; tap $? "the SNI refusal names the server name" "not in the audit log"
# hostile heads are refused, the proxy survives them
expect "a huge request head" 431 "$(run python3 -c '
import socket
s = socket.create_connection(("127.0.0.1", 3128))
s.sendall(b"GET http://ok.test/ HTTP/1.1\r\nX: " + b"a" * 40000)
print(s.recv(100).split()[1].decode())' 2>/dev/null)"
[ $fails = 0 ]
