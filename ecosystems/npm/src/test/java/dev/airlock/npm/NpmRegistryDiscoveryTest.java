package dev.airlock.npm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The default npm upstream comes from the machine's npm configuration, in npm's own precedence. */
class NpmRegistryDiscoveryTest {

    @TempDir
    Path home;

    private final List<List<String>> ran = new ArrayList<>();

    private NpmRegistryDiscovery discovery(Map<String, String> env, String npmSays) {
        return new NpmRegistryDiscovery(env, home, (cmd, e) -> {
            ran.add(cmd);
            return Optional.ofNullable(npmSays);
        });
    }

    @Test
    void environmentVariableWinsOverFiles() throws Exception {
        // npm_config_registry (any case, as npm reads it) beats every npmrc.
        Files.writeString(home.resolve(".npmrc"), "registry=http://from-file.test/\n");
        var f = discovery(Map.of("NPM_CONFIG_REGISTRY", "http://from-env.test/r"), null).discover().orElseThrow();
        assertEquals("http://from-env.test/r/", f.registry().toString());
        assertTrue(f.source().contains("npm_config_registry"));
        assertTrue(ran.isEmpty(), "npm is not run when configuration answers");
    }

    @Test
    void userNpmrcThenGlobalNpmrc() throws Exception {
        // The user npmrc (with ${VAR} expansion and quotes) comes before the global one.
        Path global = home.resolve("global-npmrc");
        Files.writeString(global, "registry = http://global.test/\n");
        Map<String, String> env = new HashMap<>(Map.of("npm_config_globalconfig", global.toString(), "MIRROR", "mirror.test:8443"));
        assertEquals("http://global.test/", discovery(env, null).discover().orElseThrow().registry().toString());
        Files.writeString(home.resolve(".npmrc"), "; comment\n# other\n//mirror.test/:_authToken=x\nregistry=\"https://${MIRROR}/npm\"\n");
        var f = discovery(env, null).discover().orElseThrow();
        assertEquals("https://mirror.test:8443/npm/", f.registry().toString());
        assertTrue(f.source().contains(".npmrc"));
    }

    @Test
    void fallsBackToAskingNpm() {
        // With no variable and no file, `npm config get registry` (npm's built-in default included) decides.
        var f = discovery(Map.of(), "http://npm-default.test/\n").discover().orElseThrow();
        assertEquals("http://npm-default.test/", f.registry().toString());
        assertEquals(List.of(List.of("npm", "config", "get", "registry")), ran);
    }

    @Test
    void nothingFoundWhenNpmIsAbsentOrSaysNonsense() {
        // No npm and no configuration means no upstream: the route then answers 503 with how to configure one.
        assertTrue(discovery(Map.of(), null).discover().isEmpty());
        assertTrue(discovery(Map.of(), "undefined").discover().isEmpty());
    }

    @Test
    void registryUrlsWithCredentialsAreIgnored() throws Exception {
        // user:token@host would leak into logs; such a URL is skipped and the next source is asked.
        Files.writeString(home.resolve(".npmrc"), "registry=https://user:secret@mirror.test/\n");
        var f = discovery(Map.of(), "http://npm-default.test/").discover().orElseThrow();
        assertEquals("http://npm-default.test/", f.registry().toString());
    }

    @Test
    void realNpmAnswersTheQuestion() {
        // The real npm on the PATH is asked (and only told about a loopback registry, so nothing is contacted).
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "HOME", home.toString(),
                "npm_config_registry", "http://127.0.0.1:9/from-npm/", "npm_config_update_notifier", "false");
        assertEquals("http://127.0.0.1:9/from-npm/",
                NpmRegistryDiscovery.runProcess(List.of("npm", "config", "get", "registry"), env).orElseThrow().strip());
    }

    @Test
    void npmIsLookedUpOnTheGivenPathOnly() {
        // The JVM's own PATH must not leak in: with an environment that has no npm, no npm runs.
        assertTrue(NpmRegistryDiscovery.runProcess(List.of("npm", "config", "get", "registry"), Map.of("PATH", home.toString())).isEmpty());
        assertTrue(NpmRegistryDiscovery.runProcess(List.of("npm", "config", "get", "registry"), Map.of()).isEmpty());
    }
}
