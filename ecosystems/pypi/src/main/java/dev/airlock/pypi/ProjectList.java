package dev.airlock.pypi;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.ecosystem.ArtifactRef;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.ReleaseInfo;
import dev.airlock.core.ecosystem.RenderContext;
import dev.airlock.core.ecosystem.Rendered;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The simple API's root: every project's name, linking to its page on Airlock. */
final class ProjectList implements PackageMetadata {

    static final String KEY = "";

    private final SimpleFormat format;
    private final List<String> names;

    private ProjectList(SimpleFormat format, List<String> names) {
        this.format = format;
        this.names = names;
    }

    static ProjectList parse(SimpleFormat format, byte[] body, String contentType) throws MetadataException {
        List<String> names = new ArrayList<>();
        if (contentType != null && contentType.contains("json")) {
            JsonNode doc;
            try {
                doc = ProjectPage.JSON.readTree(body);
            } catch (IOException e) {
                throw new MetadataException("not valid JSON: " + e.getMessage());
            }
            if (doc == null || !doc.path("projects").isArray()) {
                throw new MetadataException("a PEP 691 project list must have \"projects\"");
            }
            doc.get("projects").forEach(p -> names.add(p.path("name").asText("")));
        } else {
            for (SimpleHtml.Anchor a : SimpleHtml.anchors(new String(body, StandardCharsets.UTF_8))) {
                names.add(a.text());
            }
        }
        names.removeIf(n -> !PypiNames.validProject(n));
        return new ProjectList(format, List.copyOf(names));
    }

    @Override
    public String packageName() {
        return KEY;
    }

    @Override
    public List<ReleaseInfo> releases() {
        return List.of();
    }

    @Override
    public Optional<ArtifactRef> artifact(String filename) {
        return Optional.empty();
    }

    @Override
    public long weight() {
        return 64L * names.size() + 256;
    }

    @Override
    public Rendered render(byte[] document, RenderContext context) {
        String simple = context.mountUrl() + "simple/";
        if (format == SimpleFormat.JSON) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 + names.size() * 32);
            try (JsonGenerator g = ProjectPage.JSON.getFactory().createGenerator(out)) {
                g.writeStartObject();
                g.writeObjectFieldStart("meta");
                g.writeStringField("api-version", "1.0");
                g.writeEndObject();
                g.writeArrayFieldStart("projects");
                for (String n : names) {
                    g.writeStartObject();
                    g.writeStringField("name", n);
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Rendered(out.toByteArray(), format.contentType);
        }
        StringBuilder sb = new StringBuilder(128 + names.size() * 48)
                .append("<!DOCTYPE html>\n<html>\n<head>\n<meta name=\"pypi:repository-version\" content=\"1.0\">\n<title>Simple index</title>\n</head>\n<body>\n");
        for (String n : names) {
            sb.append("<a href=\"").append(SimpleHtml.escape(simple + PypiNames.normalize(n) + "/")).append("\">")
                    .append(SimpleHtml.escape(n)).append("</a>\n");
        }
        sb.append("</body>\n</html>\n");
        return new Rendered(sb.toString().getBytes(StandardCharsets.UTF_8), format.contentType);
    }
}
