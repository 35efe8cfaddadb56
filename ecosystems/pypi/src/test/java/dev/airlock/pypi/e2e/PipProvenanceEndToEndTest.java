package dev.airlock.pypi.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.config.AirlockConfig;
import dev.airlock.cli.Main;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.NettyLeaks;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.core.trust.testing.FakeSigstore;
import dev.airlock.pypi.fixture.Dists;
import dev.airlock.pypi.fixture.FixturePypiIndex;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PEP 740 provenance through a running Airlock with the real pip, which never looks at provenance
 * itself: Airlock verifies each file's attestations offline against the tests' own Sigstore (fake
 * Fulcio, CT log and Rekor) and holds or denies a release whose builder is not who built the last.
 */
class PipProvenanceEndToEndTest {

    private static final String PUBLISH = "https://docs.pypi.org/attestations/publish/v1";
    private static final Instant SIGNED_AT = Instant.parse("2024-01-02T03:00:00Z");

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    @TempDir
    Path tmp;

    /** The provenance object PyPI would serve for a file, its statement naming {@code sha256}, built by {@code id}. */
    private static String provenance(FakeSigstore sigstore, FakeSigstore.Identity id, String filename, String sha256) {
        byte[] statement = FakeSigstore.inTotoStatement(filename, Map.of("sha256", sha256), PUBLISH, null);
        return sigstore.pypiProvenance(sigstore.issue(id, SIGNED_AT), statement, SIGNED_AT.getEpochSecond() + 20).toString();
    }

    private static ClientProcess.Result pip(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", "-m", "pip"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--isolated", "--no-cache-dir", "--disable-pip-version-check", "--no-input"));
        Map<String, String> env = new HashMap<>();
        env.put("PIP_CONFIG_FILE", "/dev/null");
        env.put("PIP_NO_INPUT", "1");
        return ClientProcess.run(dir, env, 300, cmd);
    }

    /** {@code airlock quarantine list --json}, in-process, as an operator would run it beside the server. */
    private String quarantineList() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("quarantine", "list", "--json", "--data", tmp.resolve("data").toString());
        assertEquals(0, code, err.toString());
        return out.toString();
    }

    private static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aReleaseBuiltFromAnotherRepositoryIsHeldWhilePipInstallsTheVerifiedOne() throws Exception {
        // prov-pkg 1.0 was built by acme/pkg's release workflow, 1.1 by evil/pkg's (a fork publishing under the name);
        // dropped 1.1 comes without the provenance 1.0 had; vouched 1.0's attestation names other bytes.
        FakeSigstore sigstore = FakeSigstore.create("pypi-e2e");
        Path root = tmp.resolve("trusted_root.json");
        Files.writeString(root, sigstore.trustedRootJson());
        FakeSigstore.Identity acme = FakeSigstore.Identity.github("acme/pkg", ".github/workflows/release.yml", "refs/tags/v1.0");
        FakeSigstore.Identity evil = FakeSigstore.Identity.github("evil/pkg", ".github/workflows/release.yml", "refs/tags/v1.1");
        try (FixturePypiIndex fixture = FixturePypiIndex.builder()
                .project("prov-pkg", p -> p
                        .release("1.0", r -> r.wheel().provenance((file, sha) -> provenance(sigstore, acme, file, sha)))
                        .release("1.1", r -> r.wheel().provenance((file, sha) -> provenance(sigstore, evil, file, sha))))
                .project("dropped", p -> p
                        .release("1.0", r -> r.wheel().provenance((file, sha) -> provenance(sigstore, acme, file, sha)))
                        .release("1.1", r -> r.wheel()))
                .project("vouched", p -> p
                        .release("1.0", r -> r.wheel().provenance((file, sha) -> provenance(sigstore, acme, file, "0f".repeat(32)))))
                .start()) {
            AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "pypi", URI.create(fixture.simpleUrl()));
            c = c.withPolicy(c.policy().withSigners(true, List.of(), List.of(), root));
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                String index = airlock.uri("/pypi/simple/").toString();
                // Listing the project reads its newest wheel (1.1, evil); installing 1.0 reads acme's. Then 1.1 is held.
                ClientProcess.Result pinned = pip(tmp, "install", "--index-url", index, "--target", tmp.resolve("t1").toString(),
                        "prov-pkg==1.0", "dropped==1.0");
                assertEquals(0, pinned.exitCode(), pinned.both());
                assertTrue(Files.isDirectory(tmp.resolve("t1/prov_pkg-1.0.dist-info")), pinned.both());
                assertTrue(Files.isDirectory(tmp.resolve("t1/dropped-1.0.dist-info")), pinned.both());
                String wheel10 = Dists.wheelFilename("prov-pkg", "1.0");
                assertTrue(fixture.requests("/integrity/prov-pkg/1.0/" + wheel10 + "/provenance") >= 1, "Airlock fetched the provenance");
                assertTrue(fixture.log().stream().filter(r -> r.path().startsWith("/integrity/"))
                        .allMatch(r -> "application/vnd.pypi.integrity.v1+json".equals(r.header("accept"))));

                ClientProcess.Result latest = pip(tmp, "install", "--index-url", index, "--target", tmp.resolve("t2").toString(),
                        "prov-pkg", "dropped");
                assertEquals(0, latest.exitCode(), latest.both());
                assertTrue(Files.isDirectory(tmp.resolve("t2/prov_pkg-1.0.dist-info")), "the fork-built 1.1 is not offered: " + latest.both());
                assertTrue(Files.isDirectory(tmp.resolve("t2/dropped-1.0.dist-info")), "the unattested 1.1 is not offered: " + latest.both());

                ClientProcess.Result held = pip(tmp, "download", "--index-url", index, "--no-deps", "-d", tmp.resolve("d").toString(),
                        "prov-pkg==1.1");
                assertNotEquals(0, held.exitCode());
                assertTrue(held.both().contains("No matching distribution found for prov-pkg==1.1"), held.both());

                HttpResponse<byte[]> forked = airlock.get("/pypi/files/prov-pkg/" + Dists.wheelFilename("prov-pkg", "1.1"));
                assertEquals(403, forked.statusCode(), body(forked));
                assertTrue(body(forked).contains("built from another source repository: https://github.com/evil/pkg, 1.0 from "
                        + "https://github.com/acme/pkg"), body(forked));
                HttpResponse<byte[]> dropped = airlock.get("/pypi/files/dropped/" + Dists.wheelFilename("dropped", "1.1"));
                assertEquals(403, dropped.statusCode(), body(dropped));
                assertTrue(body(dropped).contains("published without the provenance 1.0 had (https://github.com/acme/pkg/"), body(dropped));

                ClientProcess.Result other = pip(tmp, "download", "--index-url", index, "--no-deps", "-d", tmp.resolve("d2").toString(),
                        "vouched");
                assertNotEquals(0, other.exitCode(), other.both());
                HttpResponse<byte[]> vouched = airlock.get("/pypi/files/vouched/" + Dists.wheelFilename("vouched", "1.0"));
                assertEquals(403, vouched.statusCode(), body(vouched));
                assertTrue(body(vouched).contains("does not vouch for this file") && body(vouched).contains("names other bytes"),
                        body(vouched));

                // The security team sees who built the held release in the queue.
                String queue = quarantineList();
                assertTrue(queue.contains("built from another source repository") && queue.contains("evil/pkg"), queue);
                new ObjectMapper().readTree(queue);
            }
        }
    }
}
