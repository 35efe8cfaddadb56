package dev.airlock.npm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.airlock.core.ecosystem.ArtifactRef;
import dev.airlock.core.ecosystem.Digest;
import dev.airlock.core.ecosystem.ReleaseFacts;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Release facts extraction: what one version's manifest in a packument says that the policy looks
 * at (publisher, maintainers, install hooks, dependencies, registry signatures, provenance), read
 * from a streaming parser positioned inside {@code versions["x.y.z"]}, plus the tarball its
 * {@code dist} names.
 */
final class VersionManifest {

    private String publisher;
    private Set<String> maintainers;
    private final Map<String, String> hooks = new TreeMap<>();
    private final Map<String, String> dependencies = new TreeMap<>();
    /** The manifest's "gypfile", null when it has none. */
    private Boolean gypfile;
    private boolean hasInstallScript;
    private String integrity;
    /** dist.attestations' provenance predicate type, "" when dist lists none. */
    private String provenance = "";
    /** (keyid, sig) pairs from dist.signatures; null when the version has none listed. */
    private List<String[]> signatures;
    /** The tarball {@code dist} names, when it names one Airlock can verify and serve. */
    private ArtifactRef tarball;

    private VersionManifest() {
    }

    /**
     * Reads one version's manifest; the parser stands on its {@code START_OBJECT} and is left on
     * the matching {@code END_OBJECT}.
     */
    static VersionManifest read(JsonParser p, String name, String version) throws IOException {
        VersionManifest m = new VersionManifest();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            switch (key) {
                case "dist" -> {
                    if (t == JsonToken.START_OBJECT) {
                        m.tarball = m.readDist(p, name, version).orElse(null);
                    } else {
                        p.skipChildren();
                    }
                }
                case "scripts" -> {
                    if (t == JsonToken.START_OBJECT) {
                        Map<String, String> scripts = new HashMap<>();
                        PackumentParser.readStringMap(p, scripts);
                        scripts.forEach((k, v) -> {
                            // prepare runs only for git and local installs: recorded, never held (the engine notes it).
                            String script = NpmScripts.normalise(v);
                            if (script != null && (NpmScripts.INSTALL.contains(k) || k.equals("prepare"))) {
                                m.hooks.put(k, script);
                            }
                        });
                    } else {
                        p.skipChildren();
                    }
                }
                case "dependencies" -> {
                    if (t == JsonToken.START_OBJECT) {
                        PackumentParser.readStringMap(p, m.dependencies);
                    } else {
                        p.skipChildren();
                    }
                }
                case "_npmUser" -> m.publisher = t == JsonToken.START_OBJECT ? personName(p) : skip(p);
                case "maintainers" -> m.maintainers = t == JsonToken.START_ARRAY ? people(p) : skipNull(p);
                case "gypfile" -> {
                    m.gypfile = t == JsonToken.VALUE_TRUE ? Boolean.TRUE : t == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
                    p.skipChildren();
                }
                case "hasInstallScript" -> m.hasInstallScript = t == JsonToken.VALUE_TRUE;
                default -> p.skipChildren();
            }
        }
        return m;
    }

    /** The tarball this version's {@code dist} names, empty when it names none Airlock can verify. */
    Optional<ArtifactRef> tarball() {
        return Optional.ofNullable(tarball);
    }

    /**
     * What the policy is told about this version.
     *
     * @param abbreviatedSource whether the manifest came from an abbreviated document, which says
     *                          only that an install script exists, not which
     */
    ReleaseFacts facts(String name, String version, Instant publishedAt, boolean abbreviatedSource) {
        // The registry signs "name@version:integrity" (npm's pacote verifies exactly this message).
        List<ReleaseFacts.RegistrySignature> sigs = new ArrayList<>();
        if (signatures != null && integrity != null) {
            for (String[] s : signatures) {
                sigs.add(new ReleaseFacts.RegistrySignature(s[0], s[1], name + "@" + version + ":" + integrity));
            }
        }
        return new ReleaseFacts(version, publishedAt, publisher, maintainers, hooks(abbreviatedSource), dependencies, sigs,
                provenance);
    }

    private Map<String, String> hooks(boolean abbreviated) {
        Map<String, String> h = new TreeMap<>(hooks);
        // npm publish writes "gypfile": true where it found a .gyp file in the package root.
        if (NpmScripts.implicitGyp(h, gypfile, Boolean.TRUE.equals(gypfile))) {
            h.put("install", NpmScripts.NODE_GYP_REBUILD + " (implicit: binding.gyp)");
        }
        if (abbreviated && hasInstallScript && h.isEmpty()) {
            h.put("install", "(an install script; the abbreviated document does not say which)");
        }
        return h;
    }

    /** {@code dist.attestations}: the provenance predicate type, or "attested" when it names none. */
    private static String attestationType(JsonParser p) throws IOException {
        String type = "attested";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken t = p.nextToken();
            if (k.equals("provenance") && t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String pk = p.currentName();
                    if (p.nextToken() == JsonToken.VALUE_STRING && pk.equals("predicateType")) {
                        type = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return type;
    }

    /** {@code {"name": "..", "email": ".."}}: the name, or null. */
    private static String personName(JsonParser p) throws IOException {
        String name = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken t = p.nextToken();
            if (k.equals("name") && t == JsonToken.VALUE_STRING) {
                name = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return name;
    }

    private static Set<String> people(JsonParser p) throws IOException {
        Set<String> names = new TreeSet<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() == JsonToken.START_OBJECT) {
                String n = personName(p);
                if (n != null) {
                    names.add(n);
                }
            } else if (p.currentToken() == JsonToken.VALUE_STRING) {
                // Older documents list "name <email>" strings.
                String text = p.getText();
                int lt = text.indexOf('<');
                names.add((lt > 0 ? text.substring(0, lt) : text).strip());
            } else {
                p.skipChildren();
            }
        }
        return names;
    }

    private static String skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static Set<String> skipNull(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private Optional<ArtifactRef> readDist(JsonParser p, String name, String version) throws IOException {
        String tarballUrl = null;
        String shasum = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            if (key.equals("attestations") && t == JsonToken.START_OBJECT) {
                provenance = attestationType(p);
                continue;
            }
            if (key.equals("signatures") && t == JsonToken.START_ARRAY) {
                signatures = new ArrayList<>();
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    String keyid = null;
                    String sig = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String k = p.currentName();
                        if (p.nextToken() == JsonToken.VALUE_STRING) {
                            if (k.equals("keyid")) {
                                keyid = p.getText();
                            } else if (k.equals("sig")) {
                                sig = p.getText();
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    if (keyid != null && sig != null) {
                        signatures.add(new String[]{keyid, sig});
                    }
                }
                if (p.currentToken() != JsonToken.END_ARRAY) {
                    p.skipChildren();
                }
                continue;
            }
            if (t == JsonToken.VALUE_STRING) {
                switch (key) {
                    case "tarball" -> tarballUrl = p.getText();
                    case "integrity" -> integrity = p.getText();
                    case "shasum" -> shasum = p.getText();
                    default -> {
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        if (tarballUrl == null) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(tarballUrl);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        if (!uri.isAbsolute() || uri.getRawPath() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            return Optional.empty();
        }
        // Clients see the canonical name; the upstream URL stays opaque (it may carry a query, or
        // not end in the file name at all on some registries).
        String filename = Packument.tarballName(name, version);
        Optional<Digest> digest = SriDigest.strongest(integrity, shasum);
        if (digest.isEmpty() || !NpmNames.validTarballName(filename)) {
            // Without a digest the bytes could not be verified; such a tarball is not served.
            return Optional.empty();
        }
        return Optional.of(new ArtifactRef(version, filename, uri, digest.get(), "application/octet-stream"));
    }
}
