package dev.airlock.pypi.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.config.AirlockConfig;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.NettyLeaks;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.pypi.fixture.Dists;
import dev.airlock.pypi.fixture.FixturePypiIndex;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real pip against an Airlock with {@code server.requireToken}: the token is the password of the
 * index URL's credentials (any user name). pip sends them with every request to the index's host,
 * the file downloads included, without waiting for a 401; without them, or with a wrong or revoked
 * token, Airlock answers 401 and pip finds nothing to install.
 */
class PipTokenEndToEndTest {

    private static final ObjectMapper M = new ObjectMapper();

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    @TempDir
    Path tmp;

    private static FixturePypiIndex.Builder index() {
        return FixturePypiIndex.builder()
                .project("Fixture.A", p -> p.release("1.0", r -> r.wheel().sdist().dependency("fixture-b>=1.0")))
                .project("fixture-b", p -> p.release("1.0", r -> r.wheel()));
    }

    private static ClientProcess.Result pip(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", "-m", "pip"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--isolated", "--no-cache-dir", "--disable-pip-version-check", "--no-input"));
        Map<String, String> env = new HashMap<>();
        env.put("PIP_CONFIG_FILE", "/dev/null");
        env.put("PIP_NO_INPUT", "1");
        // No keyring lookups: the only credentials pip has are the index URL's.
        env.put("PIP_KEYRING_PROVIDER", "disabled");
        return ClientProcess.run(dir, env, 120, cmd);
    }

    private ClientProcess.Result install(String indexUrl, String target, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("install", "--index-url", indexUrl, "--target", tmp.resolve(target).toString()));
        args.addAll(List.of(more));
        args.add("fixture-a");
        return pip(tmp, args.toArray(String[]::new));
    }

    private RunningAirlock airlock(FixturePypiIndex fixture) throws Exception {
        AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "pypi", URI.create(fixture.simpleUrl()))
                .withRequireToken(true);
        return RunningAirlock.start(c);
    }

    @Test
    void pipNeedsTheTokenAsItsIndexPasswordAndSendsItForTheFilesToo() throws Exception {
        try (FixturePypiIndex fixture = index().start(); RunningAirlock airlock = airlock(fixture)) {
            String plain = airlock.uri("/pypi/simple/").toString();
            HttpResponse<byte[]> anonymous = airlock.get("/pypi/simple/fixture-a/");
            assertEquals(401, anonymous.statusCode());
            assertTrue(anonymous.headers().allValues("www-authenticate").contains("Basic realm=\"airlock\""),
                    anonymous.headers().map().toString());

            // No credentials: pip is refused (it has none to answer the challenge with) and installs nothing.
            double before = unauthorized(airlock);
            ClientProcess.Result none = install(plain, "t0", "-vv");
            assertNotEquals(0, none.exitCode(), none.both());
            // pip reports the refused index page only at debug level (-vv); without it, just "from versions: none".
            assertTrue(none.both().contains("401 Client Error: Unauthorized for url: " + plain + "fixture-a/"), none.both());
            assertTrue(none.both().contains("No matching distribution found for fixture-a"), none.both());
            assertTrue(unauthorized(airlock) > before, "Airlock answered pip 401");
            assertEquals(0, fixture.pageRequests("fixture-a"), "nothing went upstream for a refused request");

            // A wrong token in the URL: refused the same way.
            before = unauthorized(airlock);
            ClientProcess.Result wrong = install(withCredentials(airlock, "alk_notAToken0123456789"), "t1", "-vv");
            assertNotEquals(0, wrong.exitCode(), wrong.both());
            assertTrue(wrong.both().contains("401 Client Error: Unauthorized"), wrong.both());
            assertTrue(wrong.both().contains("No matching distribution found for fixture-a"), wrong.both());
            assertTrue(unauthorized(airlock) > before, "Airlock answered pip 401");
            assertFalse(Files.exists(tmp.resolve("t1/fixture_b-1.0.dist-info")));

            // A viewer token made through the admin API, as the index URL's password: pip installs.
            HttpResponse<String> created = airlock.admin("POST", "tokens", airlock.adminToken(), "{\"name\":\"ci\",\"role\":\"viewer\"}");
            assertEquals(201, created.statusCode(), created.body());
            String token = M.readTree(created.body()).get("token").asText();
            before = unauthorized(airlock);
            double filesBefore = served(airlock, "artifact");
            ClientProcess.Result ok = install(withCredentials(airlock, token), "t2");
            assertEquals(0, ok.exitCode(), ok.both());
            assertInstalled(tmp.resolve("t2"), "Fixture_A-1.0", "fixture_b-1.0");
            // Every request of this install carried the token: the wheels under /pypi/files/ (absolute URLs on
            // the index's host, without credentials of their own) were served, and not one request was refused,
            // so pip sent the index URL's credentials up front rather than after a challenge.
            assertEquals(before, unauthorized(airlock), "pip sent the token with every request, unchallenged");
            assertTrue(served(airlock, "artifact") >= filesBefore + 2, "both wheels came from /pypi/files/:\n" + airlock.metrics());
            assertEquals(1, fixture.fileRequests(Dists.wheelFilename("Fixture.A", "1.0")));
            assertEquals(1, fixture.fileRequests(Dists.wheelFilename("fixture-b", "1.0")));
            assertFalse(ok.both().contains(token), "pip redacts the password in what it prints");
        }
    }

    @Test
    void aTokenRevokedThroughTheAdminApiStopsTheNextInstall() throws Exception {
        try (FixturePypiIndex fixture = index().start(); RunningAirlock airlock = airlock(fixture)) {
            String token = M.readTree(airlock.admin("POST", "tokens", airlock.adminToken(),
                    "{\"name\":\"ci\",\"role\":\"viewer\"}").body()).get("token").asText();
            String indexUrl = withCredentials(airlock, token);
            ClientProcess.Result ok = install(indexUrl, "t1");
            assertEquals(0, ok.exitCode(), ok.both());
            assertInstalled(tmp.resolve("t1"), "Fixture_A-1.0", "fixture_b-1.0");

            assertEquals(200, airlock.admin("DELETE", "tokens/ci", airlock.adminToken(), null).statusCode());
            // Everything is in Airlock's cache now: only the revoked token stands in the way.
            double before = unauthorized(airlock);
            ClientProcess.Result revoked = install(indexUrl, "t2", "-vv");
            assertNotEquals(0, revoked.exitCode(), revoked.both());
            assertTrue(revoked.both().contains("401 Client Error: Unauthorized"), revoked.both());
            assertTrue(revoked.both().contains("No matching distribution found for fixture-a"), revoked.both());
            assertTrue(unauthorized(airlock) > before, "Airlock answered pip 401");
            assertFalse(Files.exists(tmp.resolve("t2/fixture_b-1.0.dist-info")));
            assertEquals(401, airlock.get("/pypi/simple/fixture-a/", "Authorization", "Basic "
                    + java.util.Base64.getEncoder().encodeToString(("ci:" + token).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .statusCode());
        }
    }

    /** The index URL with {@code ci:TOKEN@} credentials, as a developer would write it. */
    private static String withCredentials(RunningAirlock airlock, String token) {
        return "http://ci:" + token + "@127.0.0.1:" + airlock.port() + "/pypi/simple/";
    }

    /** PyPI requests Airlock answered 401, over every route. */
    private static double unauthorized(RunningAirlock airlock) throws Exception {
        return sum(airlock, "ecosystem=\"pypi\"", "status=\"401\"");
    }

    /** PyPI requests of this route kind Airlock answered 200. */
    private static double served(RunningAirlock airlock, String route) throws Exception {
        return sum(airlock, "ecosystem=\"pypi\"", "route=\"" + route + "\"", "status=\"200\"");
    }

    private static double sum(RunningAirlock airlock, String... labels) throws Exception {
        double total = 0;
        for (String line : airlock.metrics().split("\n")) {
            if (line.startsWith("airlock_requests_total{") && Stream.of(labels).allMatch(line::contains)) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static void assertInstalled(Path target, String... distInfos) throws Exception {
        for (String d : distInfos) {
            assertTrue(Files.isDirectory(target.resolve(d + ".dist-info")), d + " installed in " + target);
        }
    }
}
