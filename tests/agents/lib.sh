# tests/agents/lib.sh -- what the agent tests share (source it from sh):
# TAP output, a scripted model server per scenario, checks over its log.
# Needs $top_builddir and $top_srcdir (set by make check) or runs from the
# top of the build tree.
top_builddir="${top_builddir:-$(pwd)}"
top_srcdir="${top_srcdir:-$top_builddir}"
AGENTS_DIR="$top_srcdir/tests/agents"
CODEXRUN="$top_builddir/codexrun"
TAP_N=0
TAP_FAILS=0

ok() {   # ok COND-STATUS DESCRIPTION [DIAGNOSTIC-FILE]
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAILS=$((TAP_FAILS + 1))
		if [ -n "${3:-}" ] && [ -f "$3" ]; then tail -20 "$3" | sed 's/^/# /'; fi
	fi
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# Install the npm packages (once, into the cache); skip when npm cannot.
need_agents() {
	AGENTS_PREFIX="$("$AGENTS_DIR/install.sh" --prefix)"
	"$AGENTS_DIR/install.sh" >"$T/install.err" 2>&1 ||
		skip_all "the npm packages could not be installed (npm or the registry unreachable): $(tail -1 "$T/install.err")"
}

# make_repo DIR: a git repository with one committed file (for `git status`).
make_repo() {
	mkdir -p "$1" && git -C "$1" init -q && echo hello >"$1/file" && git -C "$1" add file &&
		git -C "$1" -c user.email=t@example.org -c user.name=t commit -qm first
}

# scenario RUN NAME COMMAND DESCRIPTION: the scripted model asks for COMMAND,
# the agent runs through the function RUN NAME (its stderr in
# $T/err-NAME.txt); one TAP line says the agent ran; then $saw holds what
# the model was given back and $MODEL_LOG what the server saw.
scenario() {
	start_model "$2" "$3"
	"$1" "$2"
	ok $? "$4" "$T/err-$2.txt"
	stop_model
	saw="$(model_saw "$MODEL_LOG")"
}

# start_model SCENARIO COMMAND: a fresh server; sets PORT, MODEL_PID, MODEL_LOG
start_model() {
	MODEL_LOG="$T/requests-$1.jsonl"
	: >"$MODEL_LOG"
	rm -f "$T/port"
	python3 "$AGENTS_DIR/model_server.py" --command "$2" --log "$MODEL_LOG" --port-file "$T/port" \
		2>"$T/model-$1.err" &
	MODEL_PID=$!
	i=0
	while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	PORT="$(cat "$T/port" 2>/dev/null)"
}

stop_model() {
	kill "$MODEL_PID" 2>/dev/null
	wait "$MODEL_PID" 2>/dev/null
}

# What the model was given as the tool result (the first one), on stdout.
model_saw() {
	python3 - "$1" <<'PY'
import json, sys
sys.path.insert(0, __import__("os").environ["AGENTS_DIR"])
from model_server import anthropic_result, responses_result
for line in open(sys.argv[1]):
    e = json.loads(line)
    b = e.get("body") or {}
    for f in (anthropic_result, responses_result):
        try:
            r = f(b)
        except Exception:
            r = None
        if r is not None:
            print(r)
            sys.exit(0)
sys.exit(1)
PY
}

# Did anything request PATH from the server?
model_got() {
	grep -q "\"path\": \"$2" "$1"
}
