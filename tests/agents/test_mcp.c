/* tests/agents/test_mcp.c -- codexpol-mcp's answers to bad requests, line
 * by line over its real stdin and stdout: parse errors, invalid requests,
 * unknown methods and tools, bad arguments, notifications never answered,
 * and a server that keeps serving after each of them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Feed `in` to codexpol-mcp; its stdout into out (NUL-terminated). */
static int mcp(const char *in, char *out, size_t cap)
{
	FILE *fi = tmpfile(), *fo = tmpfile();
	cr_assert(fi && fo);
	fputs(in, fi);
	fflush(fi);
	rewind(fi);
	const char *b = getenv("top_builddir");
	char prog[512];
	snprintf(prog, sizeof prog, "%s/codexpol-mcp", b && *b ? b : ".");
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		dup2(fileno(fi), 0);
		dup2(fileno(fo), 1);
		execl(prog, "codexpol-mcp", "--audit=none", (char *)NULL);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	rewind(fo);
	size_t n = fread(out, 1, cap - 1, fo);
	out[n] = 0;
	fclose(fi);
	fclose(fo);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static char out[1 << 20];

/* The i-th line of out (from 0), copied. */
static const char *line(int i)
{
	static char l[65536];
	const char *p = out;
	while (i-- > 0) {
		p = strchr(p, '\n');
		cr_assert(p, "fewer lines than expected: [%s]", out);
		p++;
	}
	const char *e = strchr(p, '\n');
	cr_assert(e, "no line: [%s]", out);
	snprintf(l, sizeof l, "%.*s", (int)(e - p), p);
	return l;
}

static int nlines(void)
{
	int n = 0;
	for (const char *p = out; (p = strchr(p, '\n')); p++)
		n++;
	return n;
}

#define HAS(i, s) cr_assert(strstr(line(i), s), "line %d: [%s] lacks [%s]", i, line(i), s)

Test(mcp, bad_requests_get_jsonrpc_errors, .timeout = 30)
{
	static const char in[] =
		"this is not json\n"
		"[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]\n"
		"42\n"
		"{\"jsonrpc\":\"1.0\",\"id\":2,\"method\":\"ping\"}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":{\"x\":1},\"method\":\"ping\"}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":3}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/list\"}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"rm\"}}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"check\",\"arguments\":{}}}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"check\","
		"\"arguments\":{\"command\":\"ls\",\"shell\":true}}}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{\"name\":\"run\","
		"\"arguments\":{\"argv\":[\"ls\",1]}}}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"run\","
		"\"arguments\":{\"command\":\"ls\",\"timeout_seconds\":0}}}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\",\"params\":[1]}\n"
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
		"{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"run\",\"arguments\":{\"command\":\"touch x\"}}}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":\"last\",\"method\":\"ping\"}\n";
	cr_assert_eq(mcp(in, out, sizeof out), 0);
	cr_assert_eq(nlines(), 14, "one answer per request, none for notifications: [%s]", out);
	HAS(0, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,");
	HAS(1, "\"id\":null,\"error\":{\"code\":-32600,\"message\":\"invalid request: batches are not supported\"");
	HAS(2, "\"id\":null,\"error\":{\"code\":-32600,");
	HAS(3, "\"id\":2,\"error\":{\"code\":-32600,");
	HAS(4, "\"id\":null,\"error\":{\"code\":-32600,\"message\":\"invalid request: id must be");
	HAS(5, "\"id\":3,\"error\":{\"code\":-32600,");
	HAS(6, "\"id\":4,\"error\":{\"code\":-32601,\"message\":\"method not found: resources/list\"");
	HAS(7, "\"id\":5,\"error\":{\"code\":-32602,\"message\":\"unknown tool 'rm'; the tools are check and run\"");
	HAS(8, "\"id\":6,\"error\":{\"code\":-32602,\"message\":\"give either command or argv\"");
	HAS(9, "\"id\":7,\"error\":{\"code\":-32602,\"message\":\"unknown argument 'shell'\"");
	HAS(10, "\"id\":8,\"error\":{\"code\":-32602,\"message\":\"argv must hold strings");
	HAS(11, "\"id\":9,\"error\":{\"code\":-32602,\"message\":\"timeout_seconds must be a positive integer\"");
	HAS(12, "\"id\":10,\"error\":{\"code\":-32602,\"message\":\"params must be an object\"");
	cr_assert_str_eq(line(13), "{\"jsonrpc\":\"2.0\",\"id\":\"last\",\"result\":{}}");
}

Test(mcp, initialize_negotiates_the_version, .timeout = 30)
{
	static const char in[] =
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
		"\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"1999-01-01\","
		"\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n";
	cr_assert_eq(mcp(in, out, sizeof out), 0);
	HAS(0, "\"result\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":");
	HAS(1, "\"result\":{\"protocolVersion\":\"2025-11-25\"");
}

Test(mcp, a_long_line_is_a_parse_error_and_the_server_goes_on, .timeout = 30)
{
	size_t n = (1u << 20) + 100;
	char *in = malloc(n + 64);
	cr_assert(in);
	memset(in, 'x', n);
	strcpy(in + n, "\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n");
	cr_assert_eq(mcp(in, out, sizeof out), 0);
	free(in);
	HAS(0, "\"error\":{\"code\":-32700,\"message\":\"parse error: the message is longer than 1 MiB\"");
	HAS(1, "\"id\":1,\"result\":{}");
}
