package dev.airlock.npm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.airlock.core.ecosystem.ArtifactRef;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.ReleaseFacts;
import dev.airlock.core.ecosystem.ReleaseInfo;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streaming parse of an upstream packument into the {@link Packument} model, in one pass: the
 * name (which must be the one asked for), dist-tags, publish times, and each version's manifest
 * ({@link VersionManifest}), with at most {@code limits.versionsPerDocument} versions. Trailing
 * data is refused; the strict parser it is given refuses duplicate keys and bounds the nesting.
 */
final class PackumentParser {

    private PackumentParser() {
    }

    /**
     * Reads a packument from a parser standing before its first token: at most
     * {@code maxVersions} versions ({@code limits.versionsPerDocument}); past that it is refused,
     * not read to the end.
     *
     * @param abbreviatedSource whether upstream honoured the abbreviated Accept (its Content-Type said so)
     */
    static Packument read(JsonParser p, String expectedName, String variant, boolean abbreviatedSource, int maxVersions)
            throws IOException, MetadataException {
        String docName = null;
        String modified = null;
        Map<String, String> times = new HashMap<>();
        Map<String, String> distTags = new LinkedHashMap<>();
        List<String> versionOrder = new ArrayList<>();
        Map<String, ArtifactRef> artifacts = new HashMap<>();
        Map<String, VersionManifest> manifests = new HashMap<>();
        expect(p.nextToken(), JsonToken.START_OBJECT, "a packument must be a JSON object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "name" -> {
                    expect(value, JsonToken.VALUE_STRING, "\"name\" must be a string");
                    docName = p.getText();
                }
                case "modified" -> modified = value == JsonToken.VALUE_STRING ? p.getText() : null;
                case "dist-tags" -> readStringMap(p, value, distTags, "dist-tags");
                case "time" -> readStringMap(p, value, times, "time");
                case "versions" -> readVersions(p, value, expectedName, versionOrder, artifacts, manifests, maxVersions);
                default -> p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
            throw new MetadataException("trailing data after the packument");
        }
        if (docName == null) {
            throw new MetadataException("the packument has no \"name\"");
        }
        if (!docName.equals(expectedName)) {
            throw new MetadataException("asked for " + expectedName + " but the packument describes " + docName);
        }
        if (modified == null) {
            modified = times.get("modified");
        }
        List<ReleaseInfo> releases = new ArrayList<>(versionOrder.size());
        for (String v : versionOrder) {
            releases.add(new ReleaseInfo(v, instant(times.get(v))));
        }
        // Publish order where the document gives one (time), else document order.
        if (releases.stream().allMatch(r -> r.publishedAt() != null)) {
            releases.sort(Comparator.comparing(ReleaseInfo::publishedAt));
        }
        List<ReleaseFacts> facts = new ArrayList<>(releases.size());
        for (ReleaseInfo r : releases) {
            facts.add(manifests.get(r.version()).facts(docName, r.version(), r.publishedAt(), abbreviatedSource));
        }
        return new Packument(docName, variant, abbreviatedSource, Collections.unmodifiableList(releases),
                Collections.unmodifiableList(facts), Map.copyOf(artifacts), Collections.unmodifiableMap(distTags), modified);
    }

    private static void readVersions(JsonParser p, JsonToken value, String name, List<String> order, Map<String, ArtifactRef> artifacts,
                                     Map<String, VersionManifest> manifests, int maxVersions) throws IOException, MetadataException {
        expect(value, JsonToken.START_OBJECT, "\"versions\" must be an object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String version = p.currentName();
            if (order.size() == maxVersions) {
                throw new MetadataException("the packument lists more than " + maxVersions + " versions (limits.versionsPerDocument)");
            }
            expect(p.nextToken(), JsonToken.START_OBJECT, "versions[\"" + version + "\"] must be an object");
            order.add(version);
            VersionManifest m = VersionManifest.read(p, name, version);
            manifests.put(version, m);
            m.tarball().ifPresent(a -> artifacts.putIfAbsent(a.filename(), a));
        }
    }

    private static void readStringMap(JsonParser p, JsonToken value, Map<String, String> into, String what)
            throws IOException, MetadataException {
        expect(value, JsonToken.START_OBJECT, "\"" + what + "\" must be an object");
        readStringMap(p, into);
    }

    /** The string members of the object the parser stands in; members of other types are skipped. */
    static void readStringMap(JsonParser p, Map<String, String> into) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_STRING) {
                into.put(k, p.getText());
            } else {
                p.skipChildren();
            }
        }
    }

    private static void expect(JsonToken actual, JsonToken wanted, String message) throws MetadataException {
        if (actual != wanted) {
            throw new MetadataException(message);
        }
    }

    private static Instant instant(String iso) {
        if (iso == null) {
            return null;
        }
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
