package dev.airlock.core.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Releases OSV reports as malicious ({@code MAL-} records, e.g. the OpenSSF malicious-packages
 * data), read from files at start-up: no network. A record's affected package with a list of
 * versions denies those versions; one with only ranges (malicious packages usually say
 * "introduced: 0") denies every version.
 */
public final class KnownMalicious {

    /** One malicious package or release: version null means every version. */
    public record Entry(String ecosystem, String name, String version, String id, String summary) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, List<Entry>> byPackage;

    private KnownMalicious(Map<String, List<Entry>> byPackage) {
        this.byPackage = byPackage;
    }

    public static KnownMalicious none() {
        return new KnownMalicious(Map.of());
    }

    /**
     * Reads OSV JSON files, and the {@code *.json} files under folders, recursively.
     *
     * @throws IOException naming the file that cannot be read or is not an OSV record
     */
    public static KnownMalicious load(List<Path> sources) throws IOException {
        return load(sources, Map.of());
    }

    /**
     * @param canonical each ecosystem's name normalisation (PyPI's PEP 503): OSV records carry
     *                  names as published, Airlock keys packages by canonical name
     */
    public static KnownMalicious load(List<Path> sources, Map<String, UnaryOperator<String>> canonical)
            throws IOException {
        Map<String, List<Entry>> out = new HashMap<>();
        for (Path source : sources) {
            List<Path> files;
            if (Files.isDirectory(source)) {
                try (Stream<Path> walk = Files.walk(source)) {
                    files = walk.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).sorted().toList();
                }
            } else {
                files = List.of(source);
            }
            for (Path f : files) {
                JsonNode record;
                try {
                    record = JSON.readTree(f.toFile());
                } catch (IOException e) {
                    throw new IOException("policy.knownMalicious: " + f + " is not valid JSON: " + e.getMessage(), e);
                }
                String id = record.path("id").asText("");
                if (!id.startsWith("MAL-") || record.hasNonNull("withdrawn")) {
                    continue; // only malicious-package records deny; vulnerabilities are another matter
                }
                String summary = record.path("summary").asText(record.path("details").asText("")).lines().findFirst().orElse("");
                for (JsonNode affected : record.path("affected")) {
                    String eco = affected.path("package").path("ecosystem").asText("").toLowerCase(Locale.ROOT);
                    String name = canonical.getOrDefault(eco, UnaryOperator.identity())
                            .apply(affected.path("package").path("name").asText(""));
                    if (eco.isEmpty() || name.isEmpty()) {
                        continue;
                    }
                    List<Entry> entries = out.computeIfAbsent(key(eco, name), k -> new ArrayList<>());
                    if (affected.path("versions").isArray() && affected.path("versions").size() > 0) {
                        affected.path("versions").forEach(v -> entries.add(new Entry(eco, name, v.asText(), id, summary)));
                    } else {
                        entries.add(new Entry(eco, name, null, id, summary));
                    }
                }
            }
        }
        return new KnownMalicious(out);
    }

    /** The record that lists this release, if any. */
    public Entry find(String ecosystem, String name, String version) {
        for (Entry e : byPackage.getOrDefault(key(ecosystem, name), List.of())) {
            if (e.version() == null || e.version().equals(version)) {
                return e;
            }
        }
        return null;
    }

    public int size() {
        return byPackage.values().stream().mapToInt(List::size).sum();
    }

    private static String key(String ecosystem, String name) {
        return ecosystem + "\0" + name;
    }
}
