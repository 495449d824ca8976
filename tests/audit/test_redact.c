/* tests/audit/test_redact.c -- the redaction table, entry by entry: every
 * entry of audit/redact.c has at least one case here that makes it fire
 * (checked by `every_entry_has_a_case`), and the cases that must NOT
 * change anything guard against hiding too much where it matters.
 *
 * The cases are a plain table looped inside one test (Criterion runs each
 * test in its own process; pointers in parameter arrays would not survive).
 */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/redact.h"

#define MAXA 8

struct rcase {
	const char *rule;        /* entry that must fire, or NULL: nothing may change */
	const char *in[MAXA];    /* argv, NULL-terminated */
	const char *out[MAXA];   /* expected argv (NULL: the same as in) */
};

#define R "[REDACTED]"

static const struct rcase cases[] = {
	/* ---- names that say secret, through --NAME=VALUE and NAME=VALUE ---- */
	{ "name-password", { "--password=hunter2" }, { "--password=" R } },
	{ "name-password", { "--db-password=hunter2" }, { "--db-password=" R } },
	{ "name-password", { "PGPASSWORD=hunter2" }, { "PGPASSWORD=" R } },
	{ "name-password", { "-Djavax.net.ssl.keyStorePassword=changeit" },
	                   { "-Djavax.net.ssl.keyStorePassword=" R } },
	{ "name-passwd", { "DB_PASSWD=abc" }, { "DB_PASSWD=" R } },
	{ "name-passphrase", { "--key-passphrase=open sesame" }, { "--key-passphrase=" R } },
	{ "name-pass", { "--pass=abc" }, { "--pass=" R } },
	{ "name-pwd", { "MYSQL_PWD=abc" }, { "MYSQL_PWD=" R } },
	{ NULL, { "PWD=/srv/x" } },
	{ NULL, { "OLDPWD=/srv/x" } },
	{ "name-secret", { "CLIENT_SECRET=abc" }, { "CLIENT_SECRET=" R } },
	{ "name-secret", { "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG" }, { "AWS_SECRET_ACCESS_KEY=" R } },
	{ "name-secrets", { "--secrets=a,b" }, { "--secrets=" R } },
	{ "name-token", { "GITHUB_TOKEN=abc" }, { "GITHUB_TOKEN=" R } },
	{ "name-token", { "--accessToken=abc" }, { "--accessToken=" R } },
	{ NULL, { "--max-tokens=100" } },
	{ NULL, { "TOKENIZERS_PARALLELISM=false" } },
	{ NULL, { "--tokenizer=bert" } },
	{ "name-credential", { "--credential=abc" }, { "--credential=" R } },
	{ "name-credentials", { "GOOGLE_APPLICATION_CREDENTIALS=/k.json" },
	                      { "GOOGLE_APPLICATION_CREDENTIALS=" R } },
	{ "name-creds", { "--creds=abc" }, { "--creds=" R } },
	{ "name-apikey", { "APIKEY=abc" }, { "APIKEY=" R } },
	{ "name-api-key", { "--api-key=abc" }, { "--api-key=" R } },
	{ "name-api-key", { "OPENAI_API_KEY=abc" }, { "OPENAI_API_KEY=" R } },
	{ "name-api-key", { "apiKey=abc" }, { "apiKey=" R } },
	{ "name-accesskey", { "--accesskey=abc" }, { "--accesskey=" R } },
	{ "name-access-key", { "--access-key=abc" }, { "--access-key=" R } },
	{ "name-privatekey", { "PRIVATEKEY=abc" }, { "PRIVATEKEY=" R } },
	{ "name-private-key", { "--private-key=abc" }, { "--private-key=" R } },
	{ "name-encryption-key", { "ENCRYPTION_KEY=abc" }, { "ENCRYPTION_KEY=" R } },
	{ "name-signing-key", { "--signing-key=abc" }, { "--signing-key=" R } },
	{ "name-master-key", { "MASTER_KEY=abc" }, { "MASTER_KEY=" R } },
	{ "name-account-key", { "AZURE_STORAGE_ACCOUNT_KEY=abc" }, { "AZURE_STORAGE_ACCOUNT_KEY=" R } },
	{ NULL, { "--key=/etc/tls/client.pem" } },
	{ NULL, { "SSH_AUTH_SOCK=/run/ssh.sock" } },
	{ NULL, { "GIT_ASKPASS=/usr/bin/true" } },
	{ "name-signature", { "https://b.s3.amazonaws.com/o?X-Amz-Signature=abcdef&x=1" },
	                    { "https://b.s3.amazonaws.com/o?X-Amz-Signature=" R "&x=1" } },
	{ "name-sig", { "https://a.blob.core.windows.net/c?sv=2020&sig=abcd%2F" },
	              { "https://a.blob.core.windows.net/c?sv=2020&sig=" R } },
	{ "name-auth", { "NPM_CONFIG__AUTH=abc" }, { "NPM_CONFIG__AUTH=" R } },
	{ "name-authorization", { "--authorization=Bearer abc" }, { "--authorization=" R } },
	{ "name-bearer", { "curl", "--oauth2-bearer", "TOKEN", "https://x" },
	                 { "curl", "--oauth2-bearer", R, "https://x" } },
	{ "name-bearer", { "curl", "--oauth2-bearer=TOKEN" }, { "curl", "--oauth2-bearer=" R } },
	/* headers with or without a space, -H glued or not */
	{ "header", { "curl", "-H", "X-Vault-Token:TOKEN" }, { "curl", "-H", "X-Vault-Token:" R } },
	{ "header", { "curl", "-H", "X-Vault-Token: TOKEN" }, { "curl", "-H", "X-Vault-Token: " R } },
	{ "header", { "curl", "-HX-Api-Key:abc" }, { "curl", "-HX-Api-Key:" R } },
	{ "authorization", { "curl", "-HAuthorization:Bearer tok" }, { "curl", "-HAuthorization:Bearer " R } },
	{ "authorization", { "curl", "--header=Authorization: Basic abc" },
	                   { "curl", "--header=Authorization: Basic " R } },
	{ "authorization", { "git", "-c", "http.extraHeader=Authorization: Bearer XYZ", "clone", "u" },
	                   { "git", "-c", "http.extraHeader=Authorization: Bearer " R, "clone", "u" } },
	{ "header", { "git", "-c", "http.extraheader=X-Token:abc", "fetch" },
	            { "git", "-c", "http.extraheader=X-Token:" R, "fetch" } },
	{ "option-next-arg", { "wget", "--http-password", "pw", "u" }, { "wget", "--http-password", R, "u" } },
	{ "option-value", { "wget", "--password=pw", "--proxy-password=q" },
	                  { "wget", "--password=" R, "--proxy-password=" R } },
	{ "option-next-arg", { "gh", "--token", "abc" }, { "gh", "--token", R } },
	{ "option-value", { "npm", "--//registry.npmjs.org/:_authToken=abc" },
	                  { "npm", "--//registry.npmjs.org/:_authToken=" R } },
	{ "env-assignment", { "//npm.example/:_password=abc" }, { "//npm.example/:_password=" R } },
	{ NULL, { "https://example.com/a", "http://localhost:8080/x", "urn:isbn:123" } },
	{ NULL, { "git@github.com:org/repo.git", "key:value" } },
	{ "name-cookie", { "curl", "-H", "Cookie: session=abc", "https://x" },
	                 { "curl", "-H", "Cookie: " R, "https://x" } },

	/* ---- where the value sits ---- */
	{ "option-value", { "--token=abc" }, { "--token=" R } },
	{ "option-value", { "-token=abc" }, { "-token=" R } },
	{ "option-value", { "bash", "-c", "mysql --password=abc db && ls" },
	                  { "bash", "-c", "mysql --password=" R " db && ls" } },
	{ NULL, { "--password=" } },
	{ "option-next-arg", { "mysql", "--password", "hunter2", "db" },
	                     { "mysql", "--password", R, "db" } },
	{ "option-next-arg", { "wget", "--http-password", "x y", "https://h/" },
	                     { "wget", "--http-password", R, "https://h/" } },
	{ "option-next-arg", { "app", "-token", "abc" }, { "app", "-token", R } },
	{ "option-next-arg", { "vault", "--secret", "--", "x" }, { "vault", "--secret", R, "x" } },
	{ NULL, { "app", "--password" } },
	{ NULL, { "psql", "--no-password", "-h", "db" } },
	{ NULL, { "docker", "login", "--password-stdin", "-u", "bob", "reg.io" } },
	{ "env-assignment", { "env", "GH_TOKEN=abc", "gh", "pr", "list" },
	                    { "env", "GH_TOKEN=" R, "gh", "pr", "list" } },
	{ "env-assignment", { "bash", "-c", "export API_TOKEN=abc123 && make" },
	                    { "bash", "-c", "export API_TOKEN=" R " && make" } },
	{ "env-assignment", { "sh", "-c", "DB_PASSWORD='a b' ./run; echo done" },
	                    { "sh", "-c", "DB_PASSWORD='" R "' ./run; echo done" } },
	{ "env-assignment", { "sh", "-c", "DB_PASSWORD=ab ./run; echo done" },
	                    { "sh", "-c", "DB_PASSWORD=" R } }, /* first in its string: the line */
	{ "env-assignment", { "env", "DB_PASSWORD=a b c", "./run" }, { "env", "DB_PASSWORD=" R, "./run" } },
	{ "env-assignment", { "docker", "run", "-e", "SECRET_KEY_BASE=abc", "img" },
	                    { "docker", "run", "-e", "SECRET_KEY_BASE=" R, "img" } },
	{ "env-assignment", { "docker", "run", "--env=STRIPE_SECRET=abc", "img" },
	                    { "docker", "run", "--env=STRIPE_SECRET=" R, "img" } },
	{ "url-query", { "https://x/cb?access_token=abc&state=1" }, { "https://x/cb?access_token=" R "&state=1" } },
	{ "url-query", { "curl", "https://api/x?a=1&api_key=abc#top" }, { "curl", "https://api/x?a=1&api_key=" R "#top" } },
	{ "header", { "curl", "-H", "X-Api-Key: abc123", "https://x" },
	            { "curl", "-H", "X-Api-Key: " R, "https://x" } },
	{ "header", { "curl", "--header", "Private-Token: abc", "https://x" },
	            { "curl", "--header", "Private-Token: " R, "https://x" } },
	{ NULL, { "urn:token:abc" } },
	{ "json-field", { "curl", "-d", "{\"user\":\"bob\",\"password\": \"hu\\\"nter2\"}", "https://x/login" },
	                { "curl", "-d", "{\"user\":\"bob\",\"password\": \"" R "\"}", "https://x/login" } },
	{ "json-field", { "python3", "-c", "login({'api_key': 'abc'})" },
	                { "python3", "-c", "login({'api_key': '" R "'})" } },
	/* a secret word anywhere in the name is enough: this hides too much, on purpose */
	{ "name-token", { "curl", "-d", "{\"token_type\":\"bearer\"}" },
	                { "curl", "-d", "{\"token_type\":\"" R "\"}" } },
	{ NULL, { "curl", "-d", "{\"remember_password\": true}" } },
	/* flags named like secrets keep their yes/no */
	{ NULL, { "ssh", "-o", "PasswordAuthentication=no", "host" } },
	{ NULL, { "app", "--token-auth=true", "--password", "false" } },
	{ NULL, { "curl", "-H", "Content-Type: application/json", "https://x" } },

	/* ---- shapes ---- */
	{ "authorization", { "curl", "-H", "Authorization: Bearer abc.def-ghi", "https://x" },
	                   { "curl", "-H", "Authorization: Bearer " R, "https://x" } },
	{ "authorization", { "Authorization: Basic dXNlcjpwYXNz" }, { "Authorization: Basic " R } },
	{ "authorization", { "proxy-authorization: token abc" }, { "proxy-authorization: token " R } },
	{ "authorization", { "authorization:abc123" }, { "authorization:" R } },
	{ "authorization", { "bash", "-c", "curl -H 'Authorization: Bearer abc' https://x | jq ." },
	                   { "bash", "-c", "curl -H 'Authorization: Bearer " R "' https://x | jq ." } },
	{ "authorization", { "git", "-c", "http.extraHeader=Authorization: Basic Zm9vOmJhcg==", "fetch" },
	                   { "git", "-c", "http.extraHeader=Authorization: Basic " R, "fetch" } },
	{ "url-userinfo", { "git", "clone", "https://bob:hunter2@example.com/r.git" },
	                  { "git", "clone", "https://bob:" R "@example.com/r.git" } },
	{ "url-userinfo", { "postgres://u:p@ss@db:5432/x" }, { "postgres://u:" R "@db:5432/x" } },
	{ "url-userinfo", { "bash", "-c", "pip install -i https://u:tok@pypi.example/simple x" },
	                  { "bash", "-c", "pip install -i https://u:" R "@pypi.example/simple x" } },
	{ "url-userinfo", { "https://ghp_0123456789abcdefghijABCDEFGHIJ012345:x-oauth-basic@github.com/o/r" },
	                  { "https://" R ":" R "@github.com/o/r" } },
	{ NULL, { "git", "clone", "https://bob@example.com/r.git" } },
	{ NULL, { "git", "clone", "git@github.com:o/r.git" } },
	{ NULL, { "https://example.com:8443/a@b" } },
	{ "private-key-block",
	  { "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n" },
	  { "-----BEGIN RSA PRIVATE KEY-----" R "-----END RSA PRIVATE KEY-----\n" } },
	{ "private-key-block",
	  { "echo", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----" },
	  { "echo", "-----BEGIN OPENSSH PRIVATE KEY-----" R "-----END OPENSSH PRIVATE KEY-----" } },
	{ "private-key-block", { "-----BEGIN PRIVATE KEY-----\nMIIE cut off" },
	                       { "-----BEGIN PRIVATE KEY-----" R } },
	{ "private-key-block", { "-----BEGIN PGP PRIVATE KEY BLOCK-----\nx\n-----END PGP PRIVATE KEY BLOCK-----" },
	                       { "-----BEGIN PGP PRIVATE KEY BLOCK-----" R "-----END PGP PRIVATE KEY BLOCK-----" } },
	{ NULL, { "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----" } },
	{ "aws-access-key-id", { "AKIAIOSFODNN7EXAMPLE" }, { R } },
	{ "aws-access-key-id", { "aws_access_key_id = AKIAIOSFODNN7EXAMPLE" }, { "aws_access_key_id = " R } },
	{ "aws-temp-access-key-id", { "ASIAIOSFODNN7EXAMPLE" }, { R } },
	{ NULL, { "AKIAshort" } },
	{ "github-pat", { "ghp_0123456789abcdefghijABCDEFGHIJ012345" }, { R } },
	{ "github-pat", { "https://ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/o/r" },
	                { "https://" R "@github.com/o/r" } },
	{ "github-oauth", { "gho_0123456789abcdefghijABCDEFGHIJ012345" }, { R } },
	{ "github-user-to-server", { "ghu_0123456789abcdefghijABCDEFGHIJ012345" }, { R } },
	{ "github-server-to-server", { "x-access-token ghs_0123456789abcdefghijABCDEFGHIJ012345" },
	                             { "x-access-token " R } },
	{ "github-refresh", { "ghr_0123456789abcdefghijABCDEFGHIJ012345" }, { R } },
	{ "github-fine-grained", { "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz" }, { R } },
	{ "gitlab-pat", { "glpat-abcdefghij0123456789" }, { R } },
	{ "slack-bot", { "xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx" }, { R } },
	{ "slack-user", { "xoxp-123456789012-123456789012" }, { R } },
	{ "slack-workspace", { "xoxa-2-123456789012" }, { R } },
	{ "slack-app", { "xapp-1-A0123456-1234567890-abcdef" }, { R } },
	{ "anthropic", { "sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345" }, { R } },
	{ "openai-project", { "sk-proj-abcdefghijklmnopqrstuvwxyz012345" }, { R } },
	{ "openai", { "sk-abcdefghij0123456789abcdefghij" }, { R } },
	{ "openai", { "curl", "-d", "{\"key\":\"sk-abcdefghij0123456789abcdefghij\"}" },
	            { "curl", "-d", "{\"key\":\"" R "\"}" } },
	{ NULL, { "sk-learn-classifier-model-pipeline" } },
	{ NULL, { "task-1234567890123456789012345" } },
	{ "stripe-live", { "sk_live_4eC39HqLyjWDarjtT1zdp7dc" }, { R } },
	{ "stripe-test", { "sk_test_4eC39HqLyjWDarjtT1zdp7dc" }, { R } },
	{ "stripe-restricted", { "rk_live_4eC39HqLyjWDarjtT1zdp7dc" }, { R } },
	{ "google-api-key", { "AIzaSyD-abcdefghijklmnopqrstuvwxyz01234" }, { R } },
	{ "npm", { "npm_abcdefghijklmnopqrstuvwxyz0123456789" }, { R } },
	{ "huggingface", { "hf_abcdefghijklmnopqrstuvwxyzABCDEFGH" }, { R } },
	{ "pypi", { "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMAA" }, { R } },
	{ "vault", { "vault", "login", "hvs.CAESIJ1234567890abcdefghijklmn" }, { "vault", "login", R } },
	{ "vault-batch", { "VAULT=hvb.AAAAAQJ1234567890abcdefghijklmn" }, { "VAULT=" R } },
	/* keys without a known prefix: long, mixed case, digits */
	{ "key-like", { "tool", "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY12" }, { "tool", R } },
	{ "key-like", { "x", "--key", "0AbCdEfGhIjKlMnOpQrStUvWxYz1234567890+=" }, { "x", "--key", R } },
	{ NULL, { "git", "checkout", "3f9a0c2b7d8e4f6a1b2c3d4e5f60718293a4b5c6" } },
	{ NULL, { "ls", "/usr/lib/x86_64-linux-gnu/libLLVM-15.so.1", "ThisIsAVeryLongIdentifierNameForJava" } },
	{ "jwt", { "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U" },
	         { R } },
	{ NULL, { "eyJhbGciOiJIUzI1NiJ9" } },

	/* ---- program-specific ---- */
	{ "mysql-p", { "mysql", "-uroot", "-phunter2", "db" }, { "mysql", "-uroot", "-p" R, "db" } },
	{ "mysql-p", { "sudo", "/usr/bin/mysqldump", "-pX", "db" }, { "sudo", "/usr/bin/mysqldump", "-p" R, "db" } },
	{ NULL, { "mysql", "-p", "db" } },
	{ NULL, { "mkdir", "-p", "dir" } },
	{ NULL, { "ssh", "-p2222", "host" } },
	{ "sshpass-p", { "sshpass", "-p", "hunter2", "ssh", "host" }, { "sshpass", "-p", R, "ssh", "host" } },
	{ "sshpass-p", { "sshpass", "-phunter2", "ssh", "host" }, { "sshpass", "-p" R, "ssh", "host" } },
	{ "registry-login-p", { "docker", "login", "-u", "bob", "-p", "hunter2", "reg.io" },
	                      { "docker", "login", "-u", "bob", "-p", R, "reg.io" } },
	{ NULL, { "docker", "run", "-p", "8080:80", "nginx" } },
	{ "redis-cli-a", { "redis-cli", "-a", "hunter2", "ping" }, { "redis-cli", "-a", R, "ping" } },
	{ "curl-user", { "curl", "-u", "bob:hunter2", "https://x" }, { "curl", "-u", "bob:" R, "https://x" } },
	/* by meaning, not spelling: the glued long form, the glued short one
	 * with the option's own letter as user name, the separate one */
	{ "curl-user", { "curl", "--user=admin:PASSWORD", "https://x" },
	               { "curl", "--user=admin:" R, "https://x" } },
	{ "curl-user", { "curl", "-uu:p", "https://x" }, { "curl", "-uu:" R, "https://x" } },
	{ "curl-user", { "curl", "--user", "u:p", "https://x" }, { "curl", "--user", "u:" R, "https://x" } },
	{ "curl-user", { "curl", "--proxy-user=p:q" }, { "curl", "--proxy-user=p:" R } },
	{ "curl-user", { "curl", "-ubob:pw", "https://x" }, { "curl", "-ubob:" R, "https://x" } },
	{ "curl-user", { "curl", "--proxy-user", "p:q", "https://x" }, { "curl", "--proxy-user", "p:" R, "https://x" } },
	{ "curl-user", { "curl", "-u", "ghp_0123456789abcdefghijABCDEFGHIJ012345:x", "https://x" },
	               { "curl", "-u", R ":" R, "https://x" } },
	{ NULL, { "curl", "--user", "bob", "https://x" } },
	{ "httpie-auth", { "http", "-a", "bob:pw", "https://x" }, { "http", "-a", "bob:" R, "https://x" } },

	/* ---- home folder and user name (user alice, home /home/alice) ---- */
	{ "home", { "cat", "/home/alice/.ssh/config" }, { "cat", "~/.ssh/config" } },
	{ "home", { "--dir=/home/alice" }, { "--dir=~" } },
	{ "home", { "PATH=/usr/bin:/home/alice/bin" }, { "PATH=/usr/bin:~/bin" } },
	{ "home", { "bash", "-c", "cd /home/alice/src && make" }, { "bash", "-c", "cd ~/src && make" } },
	{ "user", { "/mnt/home/alice/x" }, { "/mnt/home/[USER]/x" } },
	{ "user", { "ssh", "alice@host" }, { "ssh", "[USER]@host" } },
	{ "user", { "/var/mail/alice" }, { "/var/mail/[USER]" } },
	{ NULL, { "/home/alicex/y", "malice", "alice_b" } },
	{ "option-value", { "--password=/home/alice/pw" }, { "--password=" R } },
};

static struct cpol_redact_who who;

static void setup(void)
{
	cpol_redact_who_init(&who, "alice", "/home/alice/");
}

/* Run one case; returns its hits. */
static struct cpol_redact_hits run(size_t ci)
{
	const struct rcase *c = &cases[ci];
	int argc = 0;
	while (argc < MAXA && c->in[argc])
		argc++;
	struct cpol_redact_hits h = { { 0 } };
	char **v = cpol_redact_argv(&who, (char *const *)c->in, argc, &h);
	cr_assert(v, "case %zu: out of memory", ci);
	for (int i = 0; i < argc; i++) {
		const char *want = c->out[0] || c->rule ? c->out[i] : c->in[i];
		cr_expect_str_eq(v[i], want, "case %zu (%s), argv[%d]: got `%s`, want `%s`", ci,
		                 c->rule ? c->rule : "unchanged", i, v[i], want);
	}
	cr_expect_null(v[argc]);
	if (c->rule) {
		int r = cpol_redact_rule_index(c->rule);
		cr_assert_geq(r, 0, "case %zu names an unknown entry %s", ci, c->rule);
		cr_expect(cpol_redact_hit(&h, (size_t)r), "case %zu: entry %s did not fire", ci, c->rule);
	}
	cpol_redact_argv_free(v, argc);
	return h;
}

Test(redact, table, .init = setup)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run(i);
}

Test(redact, every_entry_has_a_case, .init = setup)
{
	struct cpol_redact_hits all = { { 0 } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cpol_redact_hits h = run(i);
		for (size_t k = 0; k < CPOL_REDACT_MAX_RULES / 64; k++)
			all.bits[k] |= h.bits[k];
	}
	size_t n = cpol_redact_nrules();
	cr_assert_gt(n, 50);
	for (size_t i = 0; i < n; i++) {
		int named = 0;
		for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
			if (cases[c].rule && strcmp(cases[c].rule, cpol_redact_rule_name(i)) == 0)
				named = 1;
		cr_expect(named, "entry %s has no case of its own", cpol_redact_rule_name(i));
		cr_expect(cpol_redact_hit(&all, i), "entry %s never fires", cpol_redact_rule_name(i));
	}
}

Test(redact, single_strings, .init = setup)
{
	char *s = cpol_redact_str(&who, "/home/alice/x --token=abc", NULL);
	cr_expect_str_eq(s, "~/x --token=" R);
	free(s);
	s = cpol_redact_str(&who, "", NULL);
	cr_expect_str_eq(s, "");
	free(s);
}

/* Bytes that are not UTF-8 are escaped reversibly: two argvs that differ
 * only there give two records, and a literal backslash cannot imitate an
 * escape. */
Test(redact, invalid_utf8_is_escaped_reversibly, .init = setup)
{
	static const char *const in[] = { "a\xff" "b", "a\xfe" "b", "a\\xffb", "c:\\dir", "\xc3\xa9t\xc3" };
	static const char *const want[] = { "a\\xffb", "a\\xfeb", "a\\\\xffb", "c:\\\\dir",
	                                     "\xc3\xa9t\\xc3" };
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		char *s = cpol_redact_str(&who, in[i], NULL);
		cr_expect_str_eq(s, want[i], "case %zu", i);
		for (size_t j = 0; j < i; j++) {
			char *t = cpol_redact_str(&who, in[j], NULL);
			cr_expect_str_neq(s, t, "cases %zu and %zu give one record", i, j);
			free(t);
		}
		free(s);
	}
}

/* A user named like a secret word cannot defeat the secret rules. */
Test(redact, secrets_before_user)
{
	struct cpol_redact_who w;
	cpol_redact_who_init(&w, "token", "/home/token");
	char *s = cpol_redact_str(&w, "--token=abc", NULL);
	cr_expect_str_eq(s, "--[USER]=" R); /* the name is a word like any other */
	free(s);
	s = cpol_redact_str(&w, "cat /home/token/f; GITHUB_TOKEN=x token", NULL);
	cr_expect_str_eq(s, "cat ~/f; GITHUB_TOKEN=" R " [USER]");
	free(s);
}

/* "/" and relative homes are never hidden (every path would turn into ~). */
Test(redact, odd_homes)
{
	struct cpol_redact_who w;
	cpol_redact_who_init(&w, NULL, "/");
	char *s = cpol_redact_str(&w, "/usr/bin", NULL);
	cr_expect_str_eq(s, "/usr/bin");
	free(s);
	cpol_redact_who_init(&w, "", "home");
	s = cpol_redact_str(&w, "home/x", NULL);
	cr_expect_str_eq(s, "home/x");
	free(s);
	cpol_redact_who_init(&w, "root", "/root");
	s = cpol_redact_str(&w, "/root/.bashrc chroot /rootfs root", NULL);
	cr_expect_str_eq(s, "~/.bashrc chroot /rootfs [USER]");
	free(s);
}

/* Long and hostile inputs stay linear: for every shape the scanner looks
 * at, 1 MiB takes about 8 times as long as 128 KiB (a quadratic scan would
 * take 64 times as long). Measured in CPU time, best of three. */
static double cpu_time(const char *unit, size_t size)
{
	size_t k = strlen(unit);
	char *s = malloc(size + 1);
	for (size_t i = 0; i < size; i++)
		s[i] = unit[i % k];
	s[size] = 0;
	char *argv[] = { "x", s, NULL };
	double best = 1e9;
	for (int round = 0; round < 3; round++) {
		clock_t t0 = clock();
		char **v = cpol_redact_argv(&who, argv, 2, NULL);
		double t = (double)(clock() - t0) / CLOCKS_PER_SEC;
		cr_assert(v);
		cpol_redact_argv_free(v, 2);
		if (t < best)
			best = t;
	}
	free(s);
	return best;
}

Test(redact, large_inputs_are_linear, .init = setup)
{
	static const char *units[] = { "a=", "-", "--a", "://", "?a", "&", "ab:", "x.", "\"a",
	                               "-----BEGIN ", "A", "_", "a_b_c_d_e_f_g_h_password=",
	                               "\"password\":\"", "plain words " };
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		double small = cpu_time(units[u], 1 << 17), big = cpu_time(units[u], 1 << 20);
		cr_expect_lt(big, 20 * small + 0.05, "unit %s: %.3fs for 128 KiB, %.3fs for 1 MiB",
		             units[u], small, big);
	}
}
