package dev.airlock.bench.replay;

import dev.airlock.config.AirlockConfig;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.InFlight;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.e2e.NpmClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cold-path benchmark's set-up in small: the replay upstream serving real recorded npm data
 * (yargs 17.7.3 and its 15 dependencies, trimmed from a capture by
 * {@code bench/cold/make_test_subset.py}) with a 100 ms round trip, a cold Airlock on its
 * defaults in front of it, and the real {@code npm ci} from a lockfile. Airlock's upstream requests
 * must overlap: read from the replay's own start/end log, not from wall time, so a busy machine
 * can neither make it pass nor fail. If Airlock fetched one document or file at a time, at most one
 * request would be in flight and the test fails.
 */
class ColdReplayInstallTest {

    private static final int PACKAGES = 16;

    @TempDir
    Path tmp;

    @Test
    void aColdNpmCiThroughAirlockOverlapsItsUpstreamRequests() throws Exception {
        assumeTrue(onPath("npm"), "npm is not on the PATH");
        Path data = copy(resource("replay/npm"), tmp.resolve("replay"));
        Path app = copy(resource("replay/npm-app"), tmp.resolve("app"));
        Path log = tmp.resolve("replay.tsv");
        try (ReplayUpstream replay = ReplayUpstream.start(ReplayUpstream.Options.of(data).withRtt(Duration.ofMillis(100)).withLog(log))) {
            // The embedded defaults (enforce, 72h minimum age): every pinned release was published
            // in 2024 or 2026-06 by the recorded times, so none is held.
            AirlockConfig c = RunningAirlock.config(tmp.resolve("airlock-data"), "npm", replay.baseUrl());
            java.io.ByteArrayOutputStream accessLog = new java.io.ByteArrayOutputStream();
            ClientProcess.Result r;
            try (RunningAirlock airlock = RunningAirlock.start(c, accessLog)) {
                r = ClientProcess.run(app, NpmClient.env(tmp.resolve("home"), airlock.uri("/npm/").toString(), true), 300,
                        List.of("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"));
            }
            assertEquals(0, r.exitCode(), r.both() + "\n" + accessLog);
            assertTrue(r.both().contains("added " + PACKAGES + " packages"), r.both());
        }
        List<ReplayLog.Request> requests = ReplayLog.read(log);
        String seen = describe(requests);
        assertTrue(requests.stream().noneMatch(q -> q.flag().equals("MISS")), "asked for what was never recorded:" + seen);
        assertTrue(requests.size() >= 2 * PACKAGES, "a packument and a tarball per package at least:" + seen);
        int most = InFlight.mostAtOnce(requests, ReplayLog.Request::startNanos, ReplayLog.Request::endNanos);
        assertTrue(most >= 4, "at most " + most + " upstream requests were in flight at once:" + seen);
    }

    private static String describe(List<ReplayLog.Request> requests) {
        long t0 = requests.stream().mapToLong(ReplayLog.Request::startNanos).min().orElse(0);
        StringBuilder s = new StringBuilder();
        requests.stream().sorted(Comparator.comparingLong(ReplayLog.Request::startNanos)).forEach(q -> s.append('\n')
                .append((q.startNanos() - t0) / 1_000_000).append('-').append((q.endNanos() - t0) / 1_000_000).append(" ms ")
                .append(q.status()).append(' ').append(q.path()).append(' ').append(q.flag()));
        return s.toString();
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(ColdReplayInstallTest.class.getClassLoader().getResource(name).toURI());
    }

    static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
