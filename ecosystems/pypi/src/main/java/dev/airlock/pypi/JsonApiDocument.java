package dev.airlock.pypi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.config.LimitsConfig;
import dev.airlock.core.ecosystem.ArtifactRef;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.ReleaseInfo;
import dev.airlock.core.ecosystem.RenderContext;
import dev.airlock.core.ecosystem.Rendered;
import dev.airlock.core.json.StrictJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PyPI's JSON API document ({@code /pypi/<project>/json} and {@code /pypi/<project>/<version>/json}),
 * which poetry and other tools read. Passed through with every file URL pointing at Airlock's files
 * route and hidden versions left out; files themselves are resolved through the simple API page.
 */
final class JsonApiDocument implements PackageMetadata {

    static final String VARIANT = "api";

    private final String normalized;
    private final List<ReleaseInfo> releases;

    private JsonApiDocument(String normalized, List<ReleaseInfo> releases) {
        this.normalized = normalized;
        this.releases = releases;
    }

    static JsonApiDocument parse(String normalized, byte[] body) throws MetadataException {
        return parse(normalized, body, LimitsConfig.DEFAULTS.jsonDepth());
    }

    /** Reads the document with JSON nested at most {@code depth} deep ({@code limits.jsonDepth}). */
    static JsonApiDocument parse(String normalized, byte[] body, int depth) throws MetadataException {
        try {
            StrictJson.requireUtf8(body);
        } catch (IOException e) {
            throw new MetadataException("the JSON API document is " + e.getMessage());
        }
        JsonNode doc = read(body, depth);
        String name = doc.path("info").path("name").asText("");
        if (!PypiNames.normalize(name).equals(normalized)) {
            throw new MetadataException("asked for " + normalized + " but the JSON API document describes " + name);
        }
        List<ReleaseInfo> releases = new ArrayList<>();
        doc.path("releases").fieldNames().forEachRemaining(v -> releases.add(new ReleaseInfo(v, null)));
        return new JsonApiDocument(normalized, List.copyOf(releases));
    }

    private static JsonNode read(byte[] body) throws MetadataException {
        return read(body, LimitsConfig.DEFAULTS.jsonDepth());
    }

    private static JsonNode read(byte[] body, int depth) throws MetadataException {
        JsonNode doc;
        try {
            doc = StrictJson.mapper(depth).readTree(body);
        } catch (IOException e) {
            throw new MetadataException("not valid JSON: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (doc == null || !doc.isObject() || !doc.path("info").isObject()) {
            throw new MetadataException("a JSON API document must be an object with \"info\"");
        }
        return doc;
    }

    @Override
    public String packageName() {
        return normalized;
    }

    @Override
    public List<ReleaseInfo> releases() {
        return releases;
    }

    @Override
    public Optional<ArtifactRef> artifact(String filename) {
        return Optional.empty();
    }

    @Override
    public long weight() {
        return 256L + 64L * releases.size();
    }

    @Override
    public Rendered render(byte[] document, RenderContext context) {
        ObjectNode doc;
        try {
            doc = (ObjectNode) read(document);
        } catch (MetadataException e) {
            throw new IllegalStateException("the stored JSON API document no longer parses", e);
        }
        String files = context.mountUrl() + "files/" + normalized + "/";
        String version = doc.path("info").path("version").asText(null);
        if (version != null && !context.visible().test(version) && doc.path("urls").isArray()) {
            // info describes a held release (the newest, or the one asked for): its files are not offered.
            ((ArrayNode) doc.get("urls")).removeAll();
        }
        rewrite(doc.path("urls"), files);
        if (doc.path("releases").isObject()) {
            ObjectNode rel = (ObjectNode) doc.get("releases");
            for (Iterator<Map.Entry<String, JsonNode>> it = rel.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!context.visible().test(e.getKey())) {
                    it.remove();
                } else {
                    rewrite(e.getValue(), files);
                }
            }
        }
        try {
            return new Rendered(ProjectPage.JSON.writeValueAsBytes(doc), "application/json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Points each file's url at Airlock; a file whose name is not this project's loses its url. */
    private void rewrite(JsonNode files, String base) {
        if (!(files instanceof ArrayNode array)) {
            return;
        }
        for (JsonNode f : array) {
            if (f instanceof ObjectNode o) {
                String filename = o.path("filename").asText("");
                if (PypiNames.validFile(filename) && PypiNames.belongsTo(filename, normalized)) {
                    o.put("url", base + filename);
                } else {
                    o.remove("url");
                }
            }
        }
    }
}
