package dev.airlock.npm.e2e;

import dev.airlock.config.AirlockConfig;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a cold request waited for is visible: its access-log line names the time it queued for a
 * worker and the upstream requests it made, by kind; {@code /-/metrics} counts upstream requests
 * by kind and the time requests queue for a worker. A warm request's line names neither.
 */
class ColdRequestVisibilityTest {

    @TempDir
    Path tmp;

    @Test
    void aColdRequestSaysWhatItWaitedForAndMetricsCountUpstreamRequestsByKind() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        String metrics;
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("seen-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test")))
                .start()) {
            AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl()));
            try (RunningAirlock airlock = RunningAirlock.start(c, log)) {
                assertEquals(200, airlock.get("/npm/seen-box").statusCode());
                assertEquals(200, airlock.get("/npm/seen-box/-/seen-box-1.0.0.tgz").statusCode());
                assertEquals(200, airlock.get("/npm/seen-box").statusCode());
                metrics = airlock.metrics();
            }
        }
        List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
        String cold = line(lines, "GET /npm/seen-box", 0);
        Matcher m = Pattern.compile(" queued=(\\d+)ms upstream=\\[(.*)]$").matcher(cold);
        assertTrue(m.find(), cold);
        assertTrue(m.group(2).matches(".*\\bdocument 1/\\d+ms.*"), "the packument was fetched: " + cold);
        // The newest release's tarball is read before the version is listed: the cold line says so,
        // and the client's own download of it is then a hit that asks upstream for nothing.
        assertTrue(m.group(2).matches(".*\\bfile 1/\\d+ms.*"), "the newest tarball was read before listing: " + cold);
        // One GET bounded by its own headers: no size probe before it.
        assertTrue(!m.group(2).contains("probe"), "no size probe before the newest tarball: " + cold);
        String tarball = line(lines, "GET /npm/seen-box/-/seen-box-1.0.0.tgz", 0);
        assertTrue(tarball.contains(" artifact hit") && !tarball.contains("upstream="), tarball);
        String warm = line(lines, "GET /npm/seen-box", 1);
        assertTrue(warm.contains(" metadata hit") && !warm.contains("upstream="), "a warm answer asks upstream nothing: " + warm);

        assertTrue(metrics.contains("airlock_upstream_request_seconds_count{ecosystem=\"npm\",kind=\"document\",outcome=\"ok\"}"), metrics);
        assertTrue(Pattern.compile("airlock_upstream_request_seconds_count\\{ecosystem=\"npm\",kind=\"file\",outcome=\"ok\"} [1-9]")
                .matcher(metrics).find(), metrics);
        assertTrue(Pattern.compile("airlock_worker_queue_seconds_count\\{pool=\"workers\"} [1-9]").matcher(metrics).find(), metrics);
    }

    private static String line(List<String> lines, String request, int nth) {
        List<String> found = lines.stream().filter(l -> l.contains("\"" + request + "\"")).toList();
        assertTrue(found.size() > nth, "no line " + nth + " for " + request + " in " + lines);
        return found.get(nth);
    }
}
