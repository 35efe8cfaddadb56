package dev.airlock.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    private static final String SOURCE = "airlock.yaml";
    private static final String DURATION_ALLOWED =
            "a duration such as 500ms, 30s, 5m, 72h, 7d or ISO-8601 PT5M; 0 turns it off";

    @TempDir
    Path dir;

    private static AirlockConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, SOURCE, Map.of());
    }

    private static ConfigException error(String yaml) {
        return error(yaml, Map.of());
    }

    private static ConfigException error(String yaml, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, SOURCE, env));
    }

    private static void assertError(ConfigException e, String path, String value, String message) {
        assertAll(
                () -> assertEquals(SOURCE, e.source()),
                () -> assertEquals(path, e.path()),
                () -> assertEquals(value, e.value()),
                () -> assertEquals(message, e.getMessage()));
    }

    /** The key, the value as written, and the problem within the message. */
    private static void assertNamed(ConfigException e, String path, String value, String problem) {
        assertAll(
                () -> assertEquals(path, e.path()),
                () -> assertEquals(value, e.value()),
                () -> assertTrue(e.getMessage().startsWith(SOURCE + ": " + path + ": " + problem), e.getMessage()));
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void defaultsAreTheDocumentedValues() {
        // Rule: with no file, Airlock runs on the embedded defaults listed in the configuration reference.
        AirlockConfig config = ConfigLoader.defaults();

        ServerConfig server = config.server();
        assertEquals("127.0.0.1", server.host());
        assertEquals(8080, server.port());
        assertNull(server.publicUrl());
        assertEquals(64, server.workerThreads());
        assertEquals(10L << 20, server.maxRequestBodyBytes());
        assertEquals(Duration.ofSeconds(60), server.idleTimeout());
        assertEquals(8192, server.maxInitialLineLength());
        assertEquals(16384, server.maxHeaderSize());
        assertEquals(Path.of("./airlock-data"), config.storage().path());
        assertFalse(config.offline());

        assertEquals(List.of("npm", "pypi", "maven"), List.copyOf(config.upstreams().keySet()));
        assertEquals(UpstreamConfig.empty(), config.upstream("npm"));
        assertEquals(UpstreamConfig.empty(), config.upstream("maven"));
        UpstreamConfig pypi = config.upstream("pypi");
        assertEquals(URI.create("https://pypi.org/simple/"), pypi.url());
        assertEquals(List.of(URI.create("https://files.pythonhosted.org/")), pypi.files());
        assertNull(pypi.auth());
        assertEquals(Duration.ofSeconds(10), pypi.connectTimeout());

        assertEquals(new CacheConfig(Duration.ofMinutes(5), 256L << 20), config.cache());
        assertEquals(List.of(), config.airgap().trustedKeys());
        assertEquals(new PolicyConfig(PolicyMode.ENFORCE, Duration.ofHours(72), InstallHooks.NEW, true, true,
                List.of(), List.of(), List.of()), config.policy());
    }

    @Test
    void emptyUpstreamHasTheDocumentedFallbacks() {
        // Rule: an upstream with nothing configured has no URL, no credentials and the documented timeouts.
        assertEquals(new UpstreamConfig(null, List.of(), List.of(), null, Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofMinutes(10), 5, Duration.ofSeconds(30), Duration.ofMinutes(10), false), UpstreamConfig.empty());
    }

    @Test
    void emptyOrCommentOnlyFileMeansDefaults() throws Exception {
        // Rule: an empty file, a file of comments and a lone "---" all mean "the defaults".
        AirlockConfig defaults = ConfigLoader.defaults();
        assertEquals(defaults, ConfigLoader.load(write("empty.yaml", ""), Map.of()));
        assertEquals(defaults, parse("# nothing to change yet\n"));
        assertEquals(defaults, parse("---\n"));
    }

    @Test
    void embeddedReferenceIsItselfAValidFile() throws Exception {
        // Rule: the reference an operator copies as a starting point loads to exactly the defaults.
        String reference;
        try (InputStream in = ConfigLoader.class.getResourceAsStream("airlock-default.yaml")) {
            reference = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(ConfigLoader.defaults(), ConfigLoader.load(write("airlock.yaml", reference), Map.of()));
    }

    @Test
    void fullFileOverridesEveryKey() throws Exception {
        // Rule: every key in the reference can be set from a file, and the file wins over the defaults.
        Path file = write("airlock.yaml", """
                server:
                  host: 0.0.0.0
                  port: 9090
                  publicUrl: https://airlock.example.com/
                  workerThreads: 8
                  maxRequestBodySize: 1MiB
                  idleTimeout: 2m
                  maxInitialLineLength: 4096
                  maxHeaderSize: 8192
                  accessLog: false
                storage:
                  path: /var/lib/airlock
                offline: true
                upstreams:
                  npm:
                    url: https://npm.example.com/registry
                    auth:
                      token: "${NPM_TOKEN}"
                    connectTimeout: 1s
                    readTimeout: 2s
                    totalTimeout: 3m
                    failureThreshold: 2
                    coolDown: 0
                  pypi:
                    url: https://pypi.example.com/simple
                    files: [https://files.example.com, https://cdn.example.com/pkgs/]
                  maven:
                    url: https://maven.example.com/repo/
                    auth:
                      username: ci
                      password: s3cret
                cache:
                  metadataTtl: 30s
                  metadataMaxSize: 64MB
                airgap:
                  trustedKeys: [/etc/airlock/export.pub]
                policy:
                  mode: audit
                  minimumReleaseAge: 7d
                  installHooks: all
                  publisherChange: false
                  provenanceRegression: false
                  internalNamespaces: ["@acme/*", "com.acme.*"]
                  allow: ["npm:esbuild@*"]
                  deny: ["pypi:evil@*"]
                """);

        AirlockConfig config = ConfigLoader.load(file, Map.of("NPM_TOKEN", "npm-secret"));

        assertEquals(new ServerConfig("0.0.0.0", 9090, URI.create("https://airlock.example.com"), 8, 1L << 20,
                Duration.ofMinutes(2), 4096, 8192, false), config.server());
        assertEquals(Path.of("/var/lib/airlock"), config.storage().path());
        assertTrue(config.offline());
        assertEquals(new UpstreamConfig(URI.create("https://npm.example.com/registry/"), List.of(), List.of(),
                new UpstreamAuth("npm-secret", null, null), Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofMinutes(3), 2, Duration.ZERO, Duration.ofMinutes(10), false), config.upstream("npm"));
        assertEquals(URI.create("https://pypi.example.com/simple/"), config.upstream("pypi").url());
        assertEquals(List.of(URI.create("https://files.example.com/"), URI.create("https://cdn.example.com/pkgs/")),
                config.upstream("pypi").files());
        assertEquals(new UpstreamAuth(null, "ci", "s3cret"), config.upstream("maven").auth());
        assertEquals(new CacheConfig(Duration.ofSeconds(30), 64L << 20), config.cache());
        assertEquals(List.of("/etc/airlock/export.pub"), config.airgap().trustedKeys());
        assertEquals(new PolicyConfig(PolicyMode.AUDIT, Duration.ofDays(7), InstallHooks.ALL, false, false,
                List.of("@acme/*", "com.acme.*"), List.of("npm:esbuild@*"), List.of("pypi:evil@*")), config.policy());
    }

    @Test
    void mapsMergeAndListsReplace() throws Exception {
        // Rule: a file changes only the keys it names; inside a map the rest keep their defaults, a list is replaced whole.
        AirlockConfig config = parse("""
                server: { port: 9000 }
                upstreams:
                  pypi: { url: https://mirror.example.com/simple/ }
                policy:
                  allow: ["npm:left-pad@1.3.0"]
                """);

        assertEquals("127.0.0.1", config.server().host());
        assertEquals(9000, config.server().port());
        assertEquals(URI.create("https://mirror.example.com/simple/"), config.upstream("pypi").url());
        assertEquals(List.of(URI.create("https://files.pythonhosted.org/")), config.upstream("pypi").files());
        assertEquals(List.of("npm:left-pad@1.3.0"), config.policy().allow());
        assertEquals(PolicyMode.ENFORCE, config.policy().mode());

        assertEquals(List.of(), parse("upstreams: { pypi: { files: [] } }").upstream("pypi").files());
    }

    @Test
    void emptyKeyKeepsItsDefault() throws Exception {
        // Rule: a key written with no value (YAML null) is as if it were not written.
        AirlockConfig config = parse("""
                server:
                  port:
                policy:
                upstreams:
                  npm:
                """);
        assertEquals(ConfigLoader.defaults(), config);
    }

    @Test
    void newUpstreamTakesEmptyDefaultsForMissingKeys() throws Exception {
        // Rule: an ecosystem id the defaults do not know is accepted, and its missing keys come from UpstreamConfig.empty().
        AirlockConfig config = parse("""
                upstreams:
                  cargo-io:
                    url: https://crates.example.com
                    readTimeout: 1m
                  gems:
                """);

        assertEquals(List.of("npm", "pypi", "maven", "cargo-io", "gems"), List.copyOf(config.upstreams().keySet()));
        assertEquals(new UpstreamConfig(URI.create("https://crates.example.com/"), List.of(), List.of(), null,
                Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(10), 5, Duration.ofSeconds(30),
                Duration.ofMinutes(10), false),
                config.upstream("cargo-io"));
        assertEquals(UpstreamConfig.empty(), config.upstream("gems"));
        assertSame(UpstreamConfig.empty(), config.upstream("rubygems"));
    }

    @Test
    void jsonFileIsReadAsJson() throws Exception {
        // Rule: a file named *.json is read as JSON, tabs and all, with the same keys and checks.
        Path file = write("airlock.json", "{\n\t\"server\": {\"port\": 7000},\n\t\"offline\": true\n}\n");
        AirlockConfig config = ConfigLoader.load(file, Map.of());
        assertEquals(7000, config.server().port());
        assertTrue(config.offline());

        Path bad = write("bad.json", "{\"server\": {\"port\": }}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(bad, Map.of()));
        assertEquals("", e.path());
        assertTrue(e.getMessage().startsWith(bad + ": line 1, column 21: not valid JSON: "), e.getMessage());
    }

    @Test
    void outOfRangeIntegerNamesPathValueAndRange() {
        // Rule: a number outside its range names the key, the number and the range.
        ConfigException e = error("server:\n  port: 70000\n");
        assertError(e, "server.port", "70000",
                "airlock.yaml: server.port: out of range: got '70000'; allowed: an integer from 0 to 65535");
        assertEquals("an integer from 0 to 65535", e.allowed());
        assertEquals("out of range", e.problem());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            server: { port: -1 }                         | server.port                       | -1                   | an integer from 0 to 65535
            server: { port: 99999999999999999999 }       | server.port                       | 99999999999999999999 | an integer from 0 to 65535
            server: { workerThreads: 0 }                 | server.workerThreads              | 0                    | an integer from 1 to 1024
            server: { workerThreads: 1025 }              | server.workerThreads              | 1025                 | an integer from 1 to 1024
            server: { maxInitialLineLength: 255 }        | server.maxInitialLineLength       | 255                  | an integer from 256 to 65536
            server: { maxHeaderSize: 1048577 }           | server.maxHeaderSize              | 1048577              | an integer from 1024 to 1048576
            upstreams: { npm: { failureThreshold: 0 } }  | upstreams.npm.failureThreshold    | 0                    | an integer from 1 to 1000
            """)
    void everyBoundedIntegerIsChecked(String yaml, String path, String value, String allowed) {
        // Rule: each bounded integer refuses the first value past either end of its range.
        ConfigException e = error(yaml);
        assertError(e, path, value, SOURCE + ": " + path + ": out of range: got '" + value + "'; allowed: " + allowed);
    }

    @Test
    void integerRangeEndsAreAccepted() throws Exception {
        // Rule: the ends of each range are themselves allowed.
        AirlockConfig low = parse("server: { port: 0, workerThreads: 1, maxInitialLineLength: 256, maxHeaderSize: 1024 }");
        assertEquals(new ServerConfig("127.0.0.1", 0, null, 1, 10L << 20, Duration.ofSeconds(60), 256, 1024, true), low.server());
        AirlockConfig high = parse("server: { port: 65535, workerThreads: 1024, maxInitialLineLength: 65536, maxHeaderSize: 1048576 }");
        assertEquals(65535, high.server().port());
        assertEquals(1048576, high.server().maxHeaderSize());
    }

    @Test
    void unknownTopLevelKeyListsTheAllowedKeys() {
        // Rule: a misspelt section is refused with the list of real ones, even when it is empty.
        String expected = "airlock.yaml: polcy: unknown key: got 'polcy'; "
                + "allowed: server, storage, offline, upstreams, cache, airgap, policy, notifications, limits";
        assertError(error("polcy:\n  mode: audit\n"), "polcy", "polcy", expected);
        assertError(error("polcy:\n"), "polcy", "polcy", expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            server: { prot: 1 }                               | server.prot                    | host, port, publicUrl, workerThreads, maxRequestBodySize, idleTimeout, maxInitialLineLength, maxHeaderSize, accessLog, requireToken, maxConcurrentPerClient, trustedProxies, logFormat
            storage: { dir: x }                               | storage.dir                    | path, maxSize, state, blobs, localCache
            upstreams: { npm: { uri: x } }                    | upstreams.npm.uri              | url, files, auth, connectTimeout, readTimeout, totalTimeout, failureThreshold, coolDown, notFoundTtl, snapshots
            upstreams: { npm: { auth: { user: x } } }         | upstreams.npm.auth.user        | token, username, password
            cache: { metadataMaxBytes: 1 }                    | cache.metadataMaxBytes         | metadataTtl, metadataMaxSize
            airgap: { keys: [] }                              | airgap.keys                    | trustedKeys
            policy: { minimumAge: 1d }                        | policy.minimumAge              | mode, minimumReleaseAge, installHooks, publisherChange, provenanceRegression, internalNamespaces, allow, deny, holdUnknownAge, typosquats, knownMalicious, holdUnsigned, registryKeys, signerChange, identities, pgpKeyrings, sigstoreTrustedRoot, sha1SignaturesUntil, newSigningKeyWindow
            """)
    void unknownNestedKeyListsTheAllowedKeys(String yaml, String path, String allowed) {
        // Rule: an unknown key at any depth is refused with the keys allowed at that place.
        ConfigException e = error(yaml);
        String key = path.substring(path.lastIndexOf('.') + 1);
        assertError(e, path, key, SOURCE + ": " + path + ": unknown key: got '" + key + "'; allowed: " + allowed);
    }

    @Test
    void ecosystemIdsMustBeLowerCaseWords() {
        // Rule: keys under upstreams are ecosystem ids, lower-case letters, digits and '-' starting with a letter.
        assertError(error("upstreams: { NPM: {} }"), "upstreams.NPM", "NPM",
                "airlock.yaml: upstreams.NPM: not a valid ecosystem id: got 'NPM'; allowed: "
                        + "lower-case letters, digits and '-', starting with a letter, such as npm or pypi");
        assertEquals("upstreams.1x", error("upstreams: { 1x: {} }").path());
    }

    @Test
    void enumValueNotAllowedListsTheValues() throws Exception {
        // Rule: enumerated keys accept only their listed words (in any case) and list them when refusing.
        assertError(error("policy:\n  mode: enforcing\n"), "policy.mode", "enforcing",
                "airlock.yaml: policy.mode: not one of the allowed values: got 'enforcing'; allowed: enforce, audit");
        assertError(error("policy: { installHooks: false }"), "policy.installHooks", "false",
                "airlock.yaml: policy.installHooks: not one of the allowed values: got 'false'; allowed: new, strict, all, off");
        assertEquals(InstallHooks.OFF, parse("policy: { installHooks: off }").policy().installHooks());
        assertEquals(InstallHooks.STRICT, parse("policy: { installHooks: strict }").policy().installHooks());
        assertEquals(PolicyMode.AUDIT, parse("policy: { mode: Audit }").policy().mode());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            server: [1]                               | server                       | [1]       | not a map     | a map with keys host, port, publicUrl, workerThreads, maxRequestBodySize, idleTimeout, maxInitialLineLength, maxHeaderSize, accessLog, requireToken, maxConcurrentPerClient, trustedProxies, logFormat
            upstreams: [npm]                          | upstreams                    | ["npm"]   | not a map     | a map from ecosystem id (such as npm, pypi, maven) to upstream settings
            upstreams: { npm: x }                     | upstreams.npm                | x         | not a map     | a map with keys url, files, auth, connectTimeout, readTimeout, totalTimeout, failureThreshold, coolDown, notFoundTtl, snapshots
            offline: 'true'                           | offline                      | true      | not a boolean | true or false
            offline: yes                              | offline                      | yes       | not a boolean | true or false
            server: { port: '8080' }                  | server.port                  | 8080      | not an integer | an integer from 0 to 65535
            server: { port: 80.5 }                    | server.port                  | 80.5      | not an integer | an integer from 0 to 65535
            server: { host: 12 }                      | server.host                  | 12        | not a string  | a string (quote it if it looks like a number or true/false)
            server: { host: '' }                      | server.host                  | ``        | empty         | a non-empty string
            storage: { path: { a: 1 } }               | storage.path                 | {"a":1}   | not a string  | a string (quote it if it looks like a number or true/false)
            policy: { allow: npm:x }                  | policy.allow                 | npm:x     | not a list    | a list of strings
            policy: { deny: [ok, 7] }                 | policy.deny[1]               | 7         | not a string  | a string (quote it if it looks like a number or true/false)
            airgap: { trustedKeys: [''] }             | airgap.trustedKeys[0]        | ``        | empty         | a non-empty string
            upstreams: { pypi: { files: x } }         | upstreams.pypi.files         | x         | not a list    | a list of URLs
            cache: { metadataTtl: [5m] }              | cache.metadataTtl            | ["5m"]    | not a duration | a duration such as 500ms, 30s, 5m, 72h, 7d or ISO-8601 PT5M; 0 turns it off
            cache: { metadataMaxSize: true }          | cache.metadataMaxSize        | true      | not a size    | a size such as 512KiB, 10MiB, 256MB or 1GB (KB, MB and GB count in 1024s too), or a number of bytes
            """)
    void wrongTypeIsReportedLikeAnyBadValue(String yaml, String path, String value, String problem, String allowed) {
        // Rule: a value of the wrong type is refused with its path, the value as written and what is allowed.
        ConfigException e = error(yaml);
        assertError(e, path, value, SOURCE + ": " + path + ": " + problem + ": got '" + value + "'; allowed: " + allowed);
    }

    @Test
    void topLevelMustBeAMap() {
        // Rule: a file whose document is not a map is refused without a key path.
        ConfigException e = error("- server\n- policy\n");
        assertError(e, "", "[\"server\",\"policy\"]", "airlock.yaml: not a map: got '[\"server\",\"policy\"]'; "
                + "allowed: a map with keys server, storage, offline, upstreams, cache, airgap, policy, notifications, limits");
    }

    @Test
    void limitsHaveDocumentedDefaultsAndNamedErrors() throws Exception {
        // Rule: what hostile input may cost is set under limits; a bad value names its key.
        assertEquals(new LimitsConfig(256L << 20, 16L << 20, 100, 20, 200, 100_000, 100_000, 1L << 30, 200_000),
                ConfigLoader.defaults().limits());
        LimitsConfig set = parse("limits: { metadataSize: 64MiB, pomSize: 1MiB, probesPerPage: 0, probesPerSecond: 5, jsonDepth: 32,"
                + " linksPerPage: 5000, versionsPerDocument: 2000, archiveSize: 10MiB, archiveEntries: 1000 }").limits();
        assertEquals(new LimitsConfig(64L << 20, 1L << 20, 0, 5, 32, 5000, 2000, 10L << 20, 1000), set);
        assertEquals("limits.probesPerSecond", error("limits: { probesPerSecond: 0 }").path());
        assertEquals("limits.pomSize", error("limits: { pomSize: 10 }").path());
        assertEquals("limits.archiveSize", error("limits: { archiveSize: 10 }").path());
        assertEquals("limits.jsonDepth", error("limits: { jsonDepth: 5000 }").path());
        assertEquals("limits.linksPerPage", error("limits: { linksPerPage: 10 }").path());
        assertEquals("limits.versionsPerDocument", error("limits: { versionsPerDocument: -1 }").path());
        assertEquals("limits.archiveEntries", error("limits: { archiveEntries: many }").path());
        assertEquals("limits.metadataSizes", error("limits: { metadataSizes: 1MiB }").path());
    }

    @Test
    void signatureTimesHaveDocumentedDefaultsAndNamedErrors() throws Exception {
        // Rule: the SHA-1 cut-off is a date (or instant) and the new-key window a duration; a bad value names its key.
        PolicyConfig defaults = ConfigLoader.defaults().policy();
        assertEquals(Instant.parse("2023-02-01T00:00:00Z"), defaults.sha1SignaturesUntil());
        assertEquals(Duration.ofDays(30), defaults.newSigningKeyWindow());
        PolicyConfig set = parse("policy: { sha1SignaturesUntil: 2020-01-01, newSigningKeyWindow: 7d }").policy();
        assertEquals(Instant.parse("2020-01-01T00:00:00Z"), set.sha1SignaturesUntil());
        assertEquals(Duration.ofDays(7), set.newSigningKeyWindow());
        assertEquals(Instant.parse("2021-05-06T07:08:09Z"),
                parse("policy: { sha1SignaturesUntil: \"2021-05-06T07:08:09Z\" }").policy().sha1SignaturesUntil());
        ConfigException e = error("policy: { sha1SignaturesUntil: soon }");
        assertEquals("policy.sha1SignaturesUntil", e.path());
        assertTrue(e.getMessage().contains("not a date"), e.getMessage());
        assertEquals("policy.newSigningKeyWindow", error("policy: { newSigningKeyWindow: 30 }").path());
    }

    @Test
    void yamlSyntaxErrorNamesLineAndColumn() throws Exception {
        // Rule: broken YAML is reported with the file, the line and column, and the parser's one-line reason.
        Path file = write("airlock.yaml", "server:\n  host: a\n  port: : 3\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals(file.toString(), e.source());
        assertEquals("", e.path());
        assertNull(e.value());
        assertNull(e.allowed());
        assertEquals(file + ": line 3, column 9: not valid YAML: mapping values are not allowed here", e.getMessage());
    }

    @Test
    void syntaxErrorMessageStaysOnOneLine() {
        // Rule: what the operator sees is a single line, even for parser errors that come with a context.
        ConfigException e = error("server:\n\thost: a\n");
        assertEquals("", e.path());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith("airlock.yaml: line 2, column 1: not valid YAML: "), e.getMessage());
    }

    @Test
    void duplicateKeyIsASyntaxError() {
        // Rule: a key written twice is refused rather than letting the last one win silently.
        ConfigException e = error("server:\n  port: 1\n  port: 2\n");
        assertEquals("", e.path());
        assertTrue(e.getMessage().startsWith("airlock.yaml: line 3, column "), e.getMessage());
        assertTrue(e.getMessage().contains("'port'"), e.getMessage());
    }

    @Test
    void secondDocumentIsRefused() throws Exception {
        // Rule: a second YAML document would be ignored, so it is refused; a trailing empty one is harmless.
        assertEquals("airlock.yaml: line 3, column 1: not valid YAML: more than one document",
                error("offline: true\n---\noffline: false\n").getMessage());
        assertTrue(parse("offline: true\n---\n").offline());
    }

    @Test
    void missingFileIsNamedWithTheReason() {
        // Rule: a configuration file that cannot be read stops start-up naming the file and why.
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
        assertEquals(missing.toString(), e.source());
        assertEquals("", e.path());
        assertEquals(missing + ": cannot read the file: no such file", e.getMessage());

        ConfigException directory = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir));
        assertEquals(dir + ": cannot read the file: is a directory", directory.getMessage());
    }

    @Test
    void nonUtf8FileIsNamedWithTheReason() throws Exception {
        // Rule: a file that is not UTF-8 text is refused as unreadable rather than parsed as garbage.
        Path file = Files.write(dir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals(file + ": cannot read the file: not UTF-8 text", e.getMessage());
    }

    @Test
    void credentialsAreReadFromTheEnvironment() throws Exception {
        // Rule: an auth value written as ${NAME} is replaced by environment variable NAME at load time.
        AirlockConfig config = ConfigLoader.parse("""
                upstreams:
                  npm: { auth: { token: "${NPM_TOKEN}" } }
                  maven:
                    auth:
                      username: ${MAVEN_USER}
                      password: ${MAVEN_PASSWORD}
                  pypi: { auth: { username: me, password: "pre${NOT_A_REFERENCE}" } }
                """, SOURCE, Map.of("NPM_TOKEN", "t0k3n", "MAVEN_USER", "ci", "MAVEN_PASSWORD", "pw"));

        assertEquals(new UpstreamAuth("t0k3n", null, null), config.upstream("npm").auth());
        assertEquals(new UpstreamAuth(null, "ci", "pw"), config.upstream("maven").auth());
        assertEquals("pre${NOT_A_REFERENCE}", config.upstream("pypi").auth().password());
    }

    @Test
    void missingEnvironmentVariableNamesPathAndVariable() {
        // Rule: a ${NAME} whose variable is unset or empty stops start-up naming the key and the variable.
        ConfigException missing = error("upstreams: { npm: { auth: { token: '${NPM_TOKEN}' } } }");
        assertError(missing, "upstreams.npm.auth.token", "${NPM_TOKEN}",
                "airlock.yaml: upstreams.npm.auth.token: environment variable NPM_TOKEN is not set: got '${NPM_TOKEN}'; "
                        + "allowed: a variable set in Airlock's environment, or the value itself");

        ConfigException empty = error("upstreams: { npm: { auth: { token: '${NPM_TOKEN}' } } }", Map.of("NPM_TOKEN", ""));
        assertEquals("environment variable NPM_TOKEN is empty", empty.problem());

        ConfigException badName = error("upstreams: { npm: { auth: { token: '${1-TOKEN}' } } }");
        assertEquals("upstreams.npm.auth.token", badName.path());
        assertEquals("not a valid environment variable name", badName.problem());
    }

    @Test
    void authNeedsATokenOrAUserNameWithPassword() {
        // Rule: auth is a bearer token or a user name with a password, never a mix or half of one.
        assertError(error("upstreams: { npm: { auth: { token: t, username: u, password: p } } }"),
                "upstreams.npm.auth", null, "airlock.yaml: upstreams.npm.auth: both a token and a username/password; "
                        + "allowed: either token, or username with password");
        assertEquals("a username without a password",
                error("upstreams: { npm: { auth: { username: u } } }").problem());
        assertEquals("a password without a username",
                error("upstreams: { npm: { auth: { password: p } } }").problem());
        assertEquals("no credentials", error("upstreams: { npm: { auth: {} } }").problem());
        assertThrows(IllegalArgumentException.class, () -> new UpstreamAuth("t", "u", null));
    }

    @Test
    void secretsStayOutOfMessagesAndToString() {
        // Rule: a token or password never appears in an error message or in a logged configuration.
        ConfigException e = error("upstreams: { npm: { auth: { token: 123456789 } } }");
        assertEquals("upstreams.npm.auth.token", e.path());
        assertNull(e.value());
        assertFalse(e.getMessage().contains("123456789"), e.getMessage());

        String shown = new UpstreamAuth(null, "ci", "hunter2").toString() + new UpstreamAuth("t0k3n", null, null);
        assertFalse(shown.contains("hunter2") || shown.contains("t0k3n"), shown);
        assertTrue(shown.contains("ci"), shown);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            https://registry.example.com                    | https://registry.example.com/
            https://registry.example.com/                   | https://registry.example.com/
            https://registry.example.com/npm                | https://registry.example.com/npm/
            HTTP://registry.example.com:8081/repo/a%20b/    | http://registry.example.com:8081/repo/a%20b/
            http://[::1]:4873                               | http://[::1]:4873/
            """)
    void upstreamUrlsAlwaysEndWithASlash(String written, String normalised) throws Exception {
        // Rule: upstream base URLs end in "/" so relative paths resolve under them, whatever was written.
        AirlockConfig config = parse("upstreams: { npm: { url: '" + written + "', files: ['" + written + "'] } }");
        assertEquals(URI.create(normalised), config.upstream("npm").url());
        assertEquals(List.of(URI.create(normalised)), config.upstream("npm").files());
        assertEquals(URI.create(normalised), UpstreamConfig.empty().withUrl(URI.create(written)).url());
    }

    @Test
    void publicUrlNeverEndsWithASlash() throws Exception {
        // Rule: publicUrl is a prefix that paths are appended to, so its trailing slashes are dropped.
        assertEquals(URI.create("https://airlock.example.com"),
                parse("server: { publicUrl: 'https://airlock.example.com/' }").server().publicUrl());
        assertEquals(URI.create("https://example.com/airlock"),
                parse("server: { publicUrl: 'https://example.com/airlock//' }").server().publicUrl());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ftp://registry.example.com/         | not an http or https URL
            registry.example.com/npm            | not an http or https URL
            http:registry                       | no host name
            https://user:pw@registry.example.com | has a user name or password in it
            https://registry.example.com/?a=1   | has a query or fragment
            https://registry.example.com/#top   | has a query or fragment
            https://registry example.com/       | not a URL
            """)
    void badUrlsAreRefusedWithTheReason(String written, String problem) {
        // Rule: a URL must be absolute http(s) with a host and nothing that would leak or be dropped.
        String allowed = "an absolute http:// or https:// URL with a host, without user name, password, query or fragment";
        assertError(error("upstreams: { npm: { url: '" + written + "' } }"), "upstreams.npm.url", written,
                SOURCE + ": upstreams.npm.url: " + problem + ": got '" + written + "'; allowed: " + allowed);
        assertEquals("upstreams.pypi.files[1]",
                error("upstreams: { pypi: { files: ['https://ok.example.com', '" + written + "'] } }").path());
        assertEquals("server.publicUrl", error("server: { publicUrl: '" + written + "' }").path());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            500ms     | PT0.5S
            30s       | PT30S
            5m        | PT5M
            72h       | PT72H
            7d        | PT168H
            0         | PT0S
            '0'       | PT0S
            000       | PT0S
            PT5M      | PT5M
            P7D       | PT168H
            pt1h30m   | PT1H30M
            """)
    void durationsAcceptUnitsIsoAndZero(String written, String expected) throws Exception {
        // Rule: durations are a number with ms/s/m/h/d, ISO-8601, or a bare 0.
        assertEquals(Duration.parse(expected), parse("cache: { metadataTtl: " + written + " }").cache().metadataTtl());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            5 minutes              | not a duration
            5M                     | not a duration
            1.5h                   | not a duration
            P1M                    | not a duration
            -5s                    | negative
            PT-5M                  | negative
            -1                     | negative
            99999999999999999999d  | too large
            9999999999999999d      | too large
            """)
    void badDurationsAreRefusedWithTheReason(String written, String problem) {
        // Rule: a duration that is malformed, negative or beyond Java's range is refused and says which.
        assertError(error("cache: { metadataTtl: " + written + " }"), "cache.metadataTtl", written,
                SOURCE + ": cache.metadataTtl: " + problem + ": got '" + written + "'; allowed: " + DURATION_ALLOWED);
    }

    @Test
    void bareNumberDurationIsRefusedAsAmbiguous() {
        // Rule: a bare number other than 0 is refused because its unit would be a guess, and the message says so.
        ConfigException e = error("policy: { minimumReleaseAge: 72 }");
        assertError(e, "policy.minimumReleaseAge", "72", "airlock.yaml: policy.minimumReleaseAge: no unit: got '72'; "
                + "allowed: " + DURATION_ALLOWED + "; a bare number other than 0 is refused because its unit would be a guess");
    }

    @Test
    void timeoutsMustBeAboveZero() throws Exception {
        // Rule: upstream timeouts cannot be 0, which would fail every request, while coolDown 0 turns fail-fast off.
        assertError(error("upstreams: { npm: { connectTimeout: 0 } }"), "upstreams.npm.connectTimeout", "0",
                "airlock.yaml: upstreams.npm.connectTimeout: must be more than 0: got '0'; "
                        + "allowed: a duration above 0 such as 500ms, 30s, 5m, 72h, 7d or ISO-8601 PT5M");
        assertEquals(Duration.ZERO, parse("upstreams: { npm: { coolDown: 0 } }").upstream("npm").coolDown());
        assertThrows(IllegalArgumentException.class, () -> new UpstreamConfig(null, List.of(), List.of(), null, Duration.ZERO,
                Duration.ofSeconds(1), Duration.ofSeconds(1), 1, Duration.ZERO, Duration.ZERO, false));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            256MB        | 268435456
            512KiB       | 524288
            10MiB        | 10485760
            1GB          | 1073741824
            1 GiB        | 1073741824
            2tb          | 2199023255552
            100B         | 100
            1024         | 1024
            '2048'       | 2048
            0            | 0
            """)
    void sizesAcceptBinaryUnitsAndBytes(String written, long bytes) throws Exception {
        // Rule: sizes take KB/KiB, MB/MiB, GB/GiB, TB/TiB (all 1024-based, any case) or a number of bytes.
        AirlockConfig config = parse("cache: { metadataMaxSize: " + written + " }\nserver: { maxRequestBodySize: " + written + " }");
        assertEquals(bytes, config.cache().metadataMaxBytes());
        assertEquals(bytes, config.server().maxRequestBodyBytes());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            -1                        | negative
            -1MB                      | negative
            1.5GB                     | not a size
            10 XB                     | not a size
            MB                        | not a size
            99999999999999999999      | too large
            99999999999TB             | too large
            """)
    void badSizesAreRefusedWithTheReason(String written, String problem) {
        // Rule: a size that is malformed, negative or beyond a long is refused and says which.
        assertError(error("server: { maxRequestBodySize: " + written + " }"), "server.maxRequestBodySize", written,
                SOURCE + ": server.maxRequestBodySize: " + problem + ": got '" + written + "'; allowed: "
                        + "a size such as 512KiB, 10MiB, 256MB or 1GB (KB, MB and GB count in 1024s too), or a number of bytes");
    }

    @Test
    void listsAndMapsAreUnmodifiableCopies() throws Exception {
        // Rule: a loaded configuration cannot be changed through its lists or maps, nor through the lists it was built from.
        AirlockConfig config = parse("policy: { allow: [a] }\nairgap: { trustedKeys: [k] }");
        assertThrows(UnsupportedOperationException.class, () -> config.policy().allow().add("b"));
        assertThrows(UnsupportedOperationException.class, () -> config.policy().deny().add("b"));
        assertThrows(UnsupportedOperationException.class, () -> config.policy().internalNamespaces().add("b"));
        assertThrows(UnsupportedOperationException.class, () -> config.airgap().trustedKeys().clear());
        assertThrows(UnsupportedOperationException.class, () -> config.upstream("pypi").files().clear());
        assertThrows(UnsupportedOperationException.class, () -> config.upstreams().remove("npm"));

        List<String> keys = new ArrayList<>(List.of("k1"));
        AirgapConfig airgap = new AirgapConfig(keys);
        keys.add("k2");
        assertEquals(List.of("k1"), airgap.trustedKeys());
    }

    @Test
    void withersReplaceOneSettingAndKeepTheRest() {
        // Rule: each wither changes exactly its own setting and validates it like the loader does.
        AirlockConfig defaults = ConfigLoader.defaults();

        AirlockConfig changed = defaults.withHost("0.0.0.0").withPort(0).withStoragePath(Path.of("/tmp/data"))
                .withOffline(true).withCache(new CacheConfig(Duration.ZERO, 0));
        assertEquals(new ServerConfig("0.0.0.0", 0, null, 64, 10L << 20, Duration.ofSeconds(60), 8192, 16384, true),
                changed.server());
        assertEquals(Path.of("/tmp/data"), changed.storage().path());
        assertTrue(changed.offline());
        assertEquals(new CacheConfig(Duration.ZERO, 0), changed.cache());
        assertEquals(defaults.upstreams(), changed.upstreams());
        assertEquals(defaults.policy(), changed.policy());
        assertEquals(defaults.airgap(), changed.airgap());

        UpstreamConfig npm = UpstreamConfig.empty().withUrl(URI.create("http://127.0.0.1:4873"));
        AirlockConfig withNpm = defaults.withUpstream("npm", npm).withUpstream("cargo", UpstreamConfig.empty());
        assertEquals(URI.create("http://127.0.0.1:4873/"), withNpm.upstream("npm").url());
        assertEquals(List.of("npm", "pypi", "maven", "cargo"), List.copyOf(withNpm.upstreams().keySet()));
        assertNull(defaults.upstream("npm").url());

        assertThrows(IllegalArgumentException.class, () -> defaults.withPort(70000));
        assertThrows(IllegalArgumentException.class, () -> defaults.withHost(" "));
        assertThrows(IllegalArgumentException.class, () -> defaults.withUpstream("Bad Id", UpstreamConfig.empty()));
        assertThrows(IllegalArgumentException.class, () -> UpstreamConfig.empty().withUrl(URI.create("ftp://x.example.com/")));
    }

    @Test
    void severalUpstreamsAreListedInOrderAndMavenKeysParse() throws Exception {
        // url may be a list tried in order; notFoundTtl and snapshots are per upstream.
        AirlockConfig config = ConfigLoader.load(write("list.yaml", """
                upstreams:
                  maven:
                    url: [https://repo-a.example.com/maven2, https://repo-b.example.com/releases/]
                    notFoundTtl: 30s
                    snapshots: true
                """), Map.of());
        UpstreamConfig maven = config.upstream("maven");
        assertEquals(URI.create("https://repo-a.example.com/maven2/"), maven.url());
        assertEquals(List.of(URI.create("https://repo-b.example.com/releases/")), maven.alternates());
        assertEquals(Duration.ofSeconds(30), maven.notFoundTtl());
        assertTrue(maven.snapshots());
        ConfigException empty = assertThrows(ConfigException.class, () -> ConfigLoader.load(write("empty.yaml", """
                upstreams:
                  maven: { url: [] }
                """), Map.of()));
        assertTrue(empty.getMessage().contains("upstreams.maven.url"), empty.getMessage());
        ConfigException bad = assertThrows(ConfigException.class, () -> ConfigLoader.load(write("bad.yaml", """
                upstreams:
                  maven: { snapshots: maybe }
                """), Map.of()));
        assertTrue(bad.getMessage().contains("upstreams.maven.snapshots"), bad.getMessage());
    }

    @Test
    void identityPinsKeyringsAndTrustedRootAreRead() throws ConfigException {
        AirlockConfig c = parse("""
                policy:
                  identities:
                    - packages: "npm:@acme/*"
                      repository: https://github.com/acme/tools
                      workflow: .github/workflows/release.yml
                      ref: refs/tags/v.*
                  pgpKeyrings: [/etc/airlock/maven-keys.asc]
                  sigstoreTrustedRoot: /etc/airlock/trusted_root.json
                  signerChange: false
                """);
        IdentityPin pin = c.policy().identities().get(0);
        assertEquals("npm:@acme/*", pin.packages());
        assertEquals("https://github.com/acme/tools", pin.repository());
        assertTrue(pin.ref().matcher("refs/tags/v1.2.0").matches());
        assertEquals(java.nio.file.Path.of("/etc/airlock/maven-keys.asc"), c.policy().pgpKeyrings().get(0));
        assertEquals(java.nio.file.Path.of("/etc/airlock/trusted_root.json"), c.policy().sigstoreTrustedRoot());
        assertFalse(c.policy().signerChange());
        assertTrue(ConfigLoader.defaults().policy().signerChange());
        assertEquals(null, ConfigLoader.defaults().policy().sigstoreTrustedRoot());

        assertTrue(error("policy: { identities: [ { packages: \"npm:x\", ref: \"refs/(\" } ] }").getMessage()
                .contains("policy.identities[0].ref"));
        assertTrue(error("policy: { identities: [ { packages: \"npm:x\" } ] }").getMessage().contains("pins nothing"));
        assertTrue(error("policy: { identities: [ { packages: \"x\", workflow: w } ] }").getMessage().contains("policy.identities[0].packages"));
        assertTrue(error("policy: { identities: [ { packages: \"npm:x\", branch: main } ] }").getMessage().contains("unknown key"));
    }

    @Test
    void scaleOutStorageIsReadWithItsDefaultsAndSecretsFromTheEnvironment() throws Exception {
        // Rule: PostgreSQL and S3 replace SQLite and files only when set; credentials may be ${ENV};
        // a replica's local cache defaults to <path>/cache and 10 GiB; a prefix gets its trailing '/'.
        AirlockConfig config = ConfigLoader.parse("""
                storage:
                  path: /srv/airlock
                  maxSize: 50GiB
                  state: { postgres: { url: "jdbc:postgresql://db:5432/airlock", user: airlock, password: "${DB_PW}" } }
                  blobs: { s3: { bucket: airlock-blobs, prefix: team/a, endpoint: "http://s3.internal:9000", pathStyle: true,
                                 accessKeyId: "${S3_KEY}", secretAccessKey: "${S3_SECRET}" } }
                """, SOURCE, Map.of("DB_PW", "pw", "S3_KEY", "AKIA1", "S3_SECRET", "s3cr3t"));
        StorageConfig s = config.storage();
        assertEquals(50L << 30, s.maxSize());
        assertEquals(new StorageConfig.Postgres("jdbc:postgresql://db:5432/airlock", "airlock", "pw", 10), s.postgres());
        assertEquals(new StorageConfig.S3("airlock-blobs", "team/a/", java.net.URI.create("http://s3.internal:9000"), "us-east-1", true,
                StorageConfig.Checksums.WHEN_REQUIRED, "AKIA1", "s3cr3t"), s.s3());
        assertEquals(new StorageConfig.LocalCache(Path.of("/srv/airlock/cache"), 10L << 30), s.localCache());
        assertTrue(s.shared());
        assertTrue(!s.postgres().toString().contains("pw") && !s.s3().toString().contains("s3cr3t"), "secrets stay out of logs");

        StorageConfig single = ConfigLoader.defaults().storage();
        assertTrue(single.postgres() == null && single.s3() == null && single.localCache() == null && single.maxSize() == 0);
        assertEquals(StorageConfig.Checksums.WHEN_SUPPORTED,
                parse("storage: { blobs: { s3: { bucket: b12, checksums: when-supported } } }").storage().s3().checksums());
    }

    @Test
    void badScaleOutStorageNamesTheKey() {
        // Rule: every mistake in the scale-out keys names the key and says what is allowed.
        assertNamed(error("storage: { state: { postgres: { url: \"postgres://db/airlock\", user: a } } }"),
                "storage.state.postgres.url", "postgres://db/airlock", "not a PostgreSQL JDBC URL");
        assertNamed(error("storage: { state: { postgres: { url: \"jdbc:postgresql://db/a\", user: a, poolSize: 0 } } }"),
                "storage.state.postgres.poolSize", "0", "out of range");
        assertEquals("storage.state.postgres.user",
                error("storage: { state: { postgres: { url: \"jdbc:postgresql://db/a\" } } }").path());
        assertNamed(error("storage: { state: { mysql: {} } }"), "storage.state.mysql", "mysql", "unknown key");
        assertNamed(error("storage: { blobs: { s3: { bucket: My_Bucket } } }"), "storage.blobs.s3.bucket", "My_Bucket",
                "not a valid S3 bucket name");
        assertNamed(error("storage: { blobs: { s3: { bucket: abc, prefix: /x } } }"), "storage.blobs.s3.prefix", "/x",
                "not a valid key prefix");
        assertNamed(error("storage: { blobs: { s3: { bucket: abc, checksums: crc32 } } }"), "storage.blobs.s3.checksums", "crc32",
                "not one of the allowed values");
        assertEquals("storage.blobs.s3.secretAccessKey",
                error("storage: { blobs: { s3: { bucket: abc, accessKeyId: k } } }").path());
        assertEquals("storage.localCache", error("storage: { localCache: { maxSize: 1GiB } }").path());
        ConfigException unset = error("storage: { state: { postgres: { url: \"jdbc:postgresql://db/a\", user: a, password: '${PW}' } } }");
        assertEquals("storage.state.postgres.password", unset.path());
        assertTrue(unset.getMessage().contains("PW is not set"), unset.getMessage());
    }

    @Test
    void logFormatIsTextByDefaultAndJsonOnRequest() throws Exception {
        assertEquals(ServerConfig.LogFormat.TEXT, ConfigLoader.defaults().server().logFormat());
        AirlockConfig json = parse("server: { logFormat: json }");
        assertEquals(ServerConfig.LogFormat.JSON, json.server().logFormat());
        assertEquals(ServerConfig.LogFormat.JSON, json.withPort(9).withHost("0.0.0.0").server().logFormat(), "kept by the with-methods");
        assertNamed(error("server: { logFormat: xml }"), "server.logFormat", "xml", "not one of the allowed values");
    }
}
