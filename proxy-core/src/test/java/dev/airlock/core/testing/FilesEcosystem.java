package dev.airlock.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.ecosystem.ArtifactRef;
import dev.airlock.core.ecosystem.Digest;
import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.EcosystemContext;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.MetadataRequest;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.ReleaseInfo;
import dev.airlock.core.ecosystem.RenderContext;
import dev.airlock.core.ecosystem.Rendered;
import dev.airlock.core.ecosystem.Request;
import dev.airlock.core.ecosystem.Route;
import dev.airlock.core.ecosystem.UpstreamSettings;

import java.io.IOException;
import java.net.URI;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A minimal ecosystem for testing the core without any real protocol: {@code /files/<name>} is
 * a JSON document {@code {"name":..,"files":{"<file>":{"sha256":..,"url":..}}}} and
 * {@code /files/<name>/<file>} one of its files. It proves the core needs nothing npm-specific.
 */
public final class FilesEcosystem implements Ecosystem {

    private static final ObjectMapper M = new ObjectMapper();

    @Override
    public String id() {
        return "files";
    }

    @Override
    public UpstreamSettings defaultUpstream(EcosystemContext context) {
        return UpstreamSettings.none("test", "set upstreams.files.url");
    }

    @Override
    public Route route(Request request) {
        String[] seg = request.path().substring(1).split("/");
        if (seg.length == 1 && !seg[0].isEmpty()) {
            return new Route.Metadata(metadata(seg[0]));
        }
        if (seg.length == 2) {
            return new Route.Artifact(metadata(seg[0]), seg[1]);
        }
        return new Route.Reject(404, "no such route");
    }

    public static MetadataRequest metadata(String name) {
        return new MetadataRequest(name, "doc", name, Map.of("Accept", "application/json"));
    }

    @Override
    public PackageMetadata parse(MetadataRequest request, URI documentUrl, byte[] body, String contentType) throws MetadataException {
        JsonNode doc;
        try {
            doc = M.readTree(body);
        } catch (IOException e) {
            throw new MetadataException("not JSON", e);
        }
        if (doc == null || !doc.path("name").asText().equals(request.packageName())) {
            throw new MetadataException("wrong document");
        }
        return new PackageMetadata() {
            @Override
            public String packageName() {
                return request.packageName();
            }

            @Override
            public List<ReleaseInfo> releases() {
                return List.of(new ReleaseInfo("1", null));
            }

            @Override
            public Optional<ArtifactRef> artifact(String filename) {
                JsonNode f = doc.path("files").path(filename);
                if (f.isMissingNode()) {
                    return Optional.empty();
                }
                return Optional.of(new ArtifactRef("1", filename, URI.create(f.get("url").asText()),
                        new Digest("SHA-256", HexFormat.of().parseHex(f.get("sha256").asText())), "application/octet-stream"));
            }

            @Override
            public Rendered render(byte[] document, RenderContext context) {
                return new Rendered(document.clone(), "application/json");
            }

            @Override
            public long weight() {
                return body.length;
            }
        };
    }
}
