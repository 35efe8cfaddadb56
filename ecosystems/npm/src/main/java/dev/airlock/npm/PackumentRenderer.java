package dev.airlock.npm;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.airlock.core.ecosystem.ReleaseInfo;
import dev.airlock.core.ecosystem.RenderContext;
import dev.airlock.core.ecosystem.Rendered;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Renders a parsed packument for clients from the upstream bytes: versions the policy hides are
 * left out (with their times, and dist-tags moved off them), {@code dist.tarball} points at
 * Airlock, and every other token is copied exactly, so {@code time}, {@code _npmUser},
 * {@code maintainers}, {@code dist.integrity}, {@code dist.shasum}, {@code dist.signatures} and
 * {@code dist.attestations} keep their values.
 *
 * <p>Two renderings exist: the full document, and the abbreviated ("corgi") one npm asks for with
 * {@code application/vnd.npm.install-v1+json}. When the upstream ignored that Accept header and
 * sent the full document, the abbreviated form is synthesised here, {@code hasInstallScript} included.
 */
final class PackumentRenderer {

    private static final String JSON_TYPE = "application/json";

    /** Version keys the abbreviated document keeps (npm registry's allow-list). */
    private static final Set<String> CORGI_VERSION_KEYS = Set.of("name", "version", "dependencies", "optionalDependencies",
            "devDependencies", "bundleDependencies", "bundledDependencies", "peerDependencies", "peerDependenciesMeta", "bin",
            "directories", "dist", "engines", "deprecated", "cpu", "os", "libc", "_hasShrinkwrap", "hasInstallScript", "funding");

    private final Packument packument;

    PackumentRenderer(Packument packument) {
        this.packument = packument;
    }

    Rendered render(byte[] raw, RenderContext context) {
        boolean abbreviate = packument.variant().equals(Packument.ABBREVIATED);
        boolean sourceAbbreviated = packument.sourceAbbreviated();
        Predicate<String> visible = context.visible();
        Map<String, String> tags = visibleTags(visible);
        ByteArrayOutputStream out = new ByteArrayOutputStream(abbreviate && !sourceAbbreviated ? raw.length / 4 : raw.length + 1024);
        try (JsonParser p = Packument.JSON.createParser(raw); JsonGenerator g = Packument.JSON.createGenerator(out)) {
            p.nextToken();
            g.writeStartObject();
            boolean wroteModified = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (abbreviate && !sourceAbbreviated && !(field.equals("name") || field.equals("dist-tags") || field.equals("versions"))) {
                    p.skipChildren();
                    continue;
                }
                switch (field) {
                    case "versions" -> {
                        g.writeFieldName("versions");
                        writeVersions(p, g, visible, context.mountUrl(), abbreviate && !sourceAbbreviated);
                    }
                    case "dist-tags" -> {
                        g.writeFieldName("dist-tags");
                        g.writeStartObject();
                        for (Map.Entry<String, String> t : tags.entrySet()) {
                            g.writeStringField(t.getKey(), t.getValue());
                        }
                        g.writeEndObject();
                        p.skipChildren();
                    }
                    case "time" -> {
                        g.writeFieldName("time");
                        writeTime(p, g, visible);
                    }
                    default -> {
                        if (field.equals("modified")) {
                            wroteModified = true;
                        }
                        g.writeFieldName(field);
                        g.copyCurrentStructureExact(p);
                    }
                }
            }
            if (abbreviate && !sourceAbbreviated && !wroteModified && packument.modified() != null) {
                g.writeStringField("modified", packument.modified());
            }
            g.writeEndObject();
        } catch (IOException e) {
            // The bytes parsed once already; failing now means memory or a bug, not bad input.
            throw new UncheckedIOException("cannot render the packument of " + packument.packageName(), e);
        }
        return new Rendered(out.toByteArray(), abbreviate ? Packument.CORGI_TYPE : JSON_TYPE, NpmNotice.headers(context.held()));
    }

    private void writeVersions(JsonParser p, JsonGenerator g, Predicate<String> visible, String mountUrl, boolean abbreviate)
            throws IOException {
        g.writeStartObject();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String version = p.currentName();
            p.nextToken();
            if (!visible.test(version)) {
                p.skipChildren();
                continue;
            }
            g.writeFieldName(version);
            g.writeStartObject();
            boolean installScript = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                if (abbreviate && key.equals("scripts") && t == JsonToken.START_OBJECT) {
                    installScript |= hasInstallScript(p);
                    continue;
                }
                if (abbreviate && key.equals("hasInstallScript")) {
                    // Written once below, from the scripts or from this flag.
                    installScript |= t == JsonToken.VALUE_TRUE;
                    continue;
                }
                if (abbreviate && !CORGI_VERSION_KEYS.contains(key)) {
                    p.skipChildren();
                    continue;
                }
                g.writeFieldName(key);
                if (key.equals("dist") && t == JsonToken.START_OBJECT) {
                    writeDist(p, g, mountUrl, version);
                } else {
                    g.copyCurrentStructureExact(p);
                }
            }
            if (installScript) {
                g.writeBooleanField("hasInstallScript", true);
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static boolean hasInstallScript(JsonParser p) throws IOException {
        boolean found = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String script = p.currentName();
            JsonToken t = p.nextToken();
            if (NpmScripts.INSTALL.contains(script) && t == JsonToken.VALUE_STRING && !p.getText().isBlank()) {
                found = true;
            }
            p.skipChildren();
        }
        return found;
    }

    /** Copies {@code dist}, with {@code tarball} rewritten to Airlock's URL for the canonical file name. */
    private void writeDist(JsonParser p, JsonGenerator g, String mountUrl, String version) throws IOException {
        String name = packument.packageName();
        g.writeStartObject();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            g.writeFieldName(key);
            if (key.equals("tarball") && t == JsonToken.VALUE_STRING) {
                g.writeString(mountUrl + name + "/-/" + Packument.tarballName(name, version));
            } else {
                g.copyCurrentStructureExact(p);
            }
        }
        g.writeEndObject();
    }

    private void writeTime(JsonParser p, JsonGenerator g, Predicate<String> visible) throws IOException {
        g.writeStartObject();
        Set<String> known = new HashSet<>();
        for (ReleaseInfo r : packument.releases()) {
            known.add(r.version());
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            if (known.contains(key) && !visible.test(key)) {
                p.skipChildren();
                continue;
            }
            g.writeFieldName(key);
            g.copyCurrentStructureExact(p);
        }
        g.writeEndObject();
    }

    /**
     * dist-tags that point at visible versions; a tag pointing at a hidden one moves to the highest
     * visible version (stable ones first), and {@code latest} always exists while anything is visible.
     */
    private Map<String, String> visibleTags(Predicate<String> visible) {
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> listed = new HashSet<>();
        String fallback = null;
        for (ReleaseInfo r : packument.releases()) {
            listed.add(r.version());
            String v = r.version();
            if (!visible.test(v)) {
                continue;
            }
            if (fallback == null) {
                fallback = v;
                continue;
            }
            boolean vPre = SemverOrder.isPrerelease(v);
            boolean fPre = SemverOrder.isPrerelease(fallback);
            if ((fPre && !vPre) || (fPre == vPre && SemverOrder.INSTANCE.compare(v, fallback) > 0)) {
                fallback = v;
            }
        }
        for (Map.Entry<String, String> t : packument.distTags().entrySet()) {
            if (visible.test(t.getValue()) && listed.contains(t.getValue())) {
                out.put(t.getKey(), t.getValue());
            } else if (t.getKey().equals("latest") && fallback != null) {
                out.put("latest", fallback);
            }
        }
        if (!out.containsKey("latest") && fallback != null) {
            out.put("latest", fallback);
        }
        return out;
    }
}
