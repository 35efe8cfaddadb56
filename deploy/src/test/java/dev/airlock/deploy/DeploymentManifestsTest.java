package dev.airlock.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.airlock.config.AirlockConfig;
import dev.airlock.config.ConfigLoader;
import dev.airlock.config.ServerConfig;
import dev.airlock.core.testing.RunningAirlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The container image's recipe (deploy/container) and every Kubernetes manifest (deploy/kubernetes)
 * agree: the port the image exposes is the one the pods declare and the configuration listens
 * on; the user is the image's and not root; the data volume is where the image keeps its data;
 * the probes are paths a running Airlock answers 200; each configuration in a ConfigMap loads.
 * (No container engine runs on these machines, so the image itself is not built here.)
 */
class DeploymentManifestsTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Path CONTAINERFILE = Path.of("container/Containerfile");

    @TempDir
    Path tmp;

    private static String directive(String file, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (.+)$").matcher(file);
        assertTrue(m.find(), name + " in the Containerfile");
        return m.group(1).strip();
    }

    private static List<JsonNode> manifests() throws Exception {
        List<JsonNode> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("kubernetes"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
                    while (docs.hasNext()) {
                        JsonNode d = docs.next();
                        if (d != null && !d.isEmpty()) {
                            all.add(d);
                        }
                    }
                }
            }
        }
        assertFalse(all.isEmpty());
        return all;
    }

    @Test
    void theImageAndTheManifestsAgreeAndTheProbesAnswer() throws Exception {
        String image = Files.readString(CONTAINERFILE);
        int port = Integer.parseInt(directive(image, "EXPOSE"));
        String user = directive(image, "USER").split(":")[0];
        String volume = directive(image, "VOLUME");
        String entrypoint = directive(image, "ENTRYPOINT");
        assertTrue(entrypoint.contains("serve --config /etc/airlock/airlock.yaml --data " + volume), entrypoint);
        assertTrue(directive(image, "HEALTHCHECK").contains("GET /-/health/live "), "the health check asks the liveness path");
        assertFalse(user.equals("0") || user.equals("root"));

        // The configuration baked into the image listens where the image says.
        AirlockConfig baked = ConfigLoader.load(Path.of("container/airlock.yaml"));
        assertEquals(port, baked.server().port());
        assertEquals("0.0.0.0", baked.server().host());
        assertEquals(Path.of(volume), baked.storage().path());
        assertEquals(ServerConfig.LogFormat.JSON, baked.server().logFormat());

        List<String> probes = new ArrayList<>();
        int deployments = 0;
        for (JsonNode d : manifests()) {
            String kind = d.path("kind").asText();
            if (kind.equals("ConfigMap")) {
                Path file = Files.writeString(tmp.resolve(d.at("/metadata/name").asText() + deployments + ".yaml"), d.at("/data/airlock.yaml").asText());
                AirlockConfig c = ConfigLoader.load(file, Map.of("AIRLOCK_DB_PASSWORD", "x", "AIRLOCK_S3_KEY", "k", "AIRLOCK_S3_SECRET", "s"));
                assertEquals(port, c.server().port(), "the ConfigMap's server.port");
                assertEquals(Path.of(volume), c.storage().path());
            }
            if (kind.equals("Deployment")) {
                deployments++;
                JsonNode pod = d.at("/spec/template/spec");
                assertEquals(user, pod.at("/securityContext/runAsUser").asText());
                assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
                JsonNode container = pod.at("/containers/0");
                assertEquals(port, container.at("/ports/0/containerPort").asInt());
                assertFalse(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true));
                List<String> mounts = new ArrayList<>();
                container.path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asText()));
                assertTrue(mounts.contains(volume) && mounts.contains("/etc/airlock"), mounts.toString());
                probes.add(container.at("/readinessProbe/httpGet/path").asText());
                probes.add(container.at("/livenessProbe/httpGet/path").asText());
                assertTrue(pod.path("terminationGracePeriodSeconds").asInt() > 7, "longer than Airlock's own drain");
            }
            if (kind.equals("PodDisruptionBudget")) {
                assertTrue(d.at("/spec/minAvailable").asInt() >= 1);
            }
        }
        assertEquals(2, deployments, "single-node and replicas");
        try (RunningAirlock airlock = RunningAirlock.start(RunningAirlock.config(tmp.resolve("data"), "npm",
                java.net.URI.create("http://127.0.0.1:9/")))) {
            for (String path : probes) {
                assertEquals(200, airlock.get(path).statusCode(), path);
            }
        }
    }
}
