package dev.airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.ecosystem.LockedArtifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * Prefetch's HTTP to the running Airlock: its package routes (metadata, then files checked
 * against the lockfile's digest as they stream past), its health, and (for explanations of a
 * missing version) the admin API. Each answer becomes a {@link FileOutcome}.
 */
final class PrefetchClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A metadata document larger than this is not kept in memory (packuments of huge packages stay far below). */
    private static final int MAX_METADATA_BYTES = 256 * 1024 * 1024;
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    /** One metadata document as Airlock answered it: the body when asked to keep it, else the outcome of a failure. */
    record Metadata(byte[] body, FileOutcome failure) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build();
    private final URI base;
    private final String token;

    PrefetchClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** The token package requests carry, or null. */
    String token() {
        return token;
    }

    /** Fails early, with one sentence, when nothing answers at --server. */
    void probe() throws InterruptedException {
        try {
            http.send(request("-/health", "application/json").build(), HttpResponse.BodyHandlers.discarding());
        } catch (ConnectException e) {
            throw new Remote.Failed("cannot reach Airlock at " + base + " (is it running?)", 1);
        } catch (IOException e) {
            throw new Remote.Failed("cannot talk to Airlock at " + base + ": " + e, 1);
        }
    }

    private HttpRequest.Builder request(String path, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(10))
                .header("Accept", accept).header("User-Agent", "airlock-prefetch");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /**
     * A package's metadata document, as a client reads it first. The full JSON document where
     * there is a choice (npm's packument); other ecosystems ignore the header or name their
     * representation in the path.
     */
    Metadata metadata(LockedArtifact a, boolean keep) {
        String path = a.ecosystem() + "/" + a.metadataPath();
        try {
            HttpResponse<InputStream> r = http.send(request(path, "application/json, */*;q=0.1").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() == 200) {
                    if (!keep) {
                        in.transferTo(OutputStream.nullOutputStream());
                        return new Metadata(null, null);
                    }
                    byte[] body = in.readNBytes(MAX_METADATA_BYTES + 1);
                    return body.length > MAX_METADATA_BYTES
                            ? new Metadata(null, FileOutcome.failed(a, a.metadataPath(), path + " is larger than " + (MAX_METADATA_BYTES >> 20) + " MiB"))
                            : new Metadata(body, null);
                }
                return new Metadata(null, refused(a, a.metadataPath(), r.statusCode(), in.readNBytes(MAX_ERROR_BYTES)));
            }
        } catch (IOException e) {
            return new Metadata(null, FileOutcome.failed(a, a.metadataPath(), "metadata " + path + ": " + e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Metadata(null, FileOutcome.failed(a, a.metadataPath(), "interrupted"));
        }
    }

    /** Fetches a file through Airlock, checking it against the lockfile's digest as it streams past. */
    FileOutcome artifact(LockedArtifact a) {
        String path = a.ecosystem() + "/" + a.artifactPath();
        LockfileDigest expected;
        try {
            expected = LockfileDigest.parse(a.expectedDigest());
        } catch (IllegalArgumentException e) {
            return FileOutcome.failed(a, a.artifactPath(), e.getMessage());
        }
        try {
            HttpResponse<InputStream> r = http.send(request(path, "*/*").build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    return refused(a, a.artifactPath(), r.statusCode(), in.readNBytes(MAX_ERROR_BYTES));
                }
                MessageDigest d = expected == null ? null : expected.digest();
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (d != null) {
                        d.update(buf, 0, n);
                    }
                }
                if (d != null && !expected.matches(d.digest())) {
                    return FileOutcome.failed(a, a.artifactPath(), "Airlock served other bytes than the lockfile pins ("
                            + a.expectedDigest() + ")");
                }
                return FileOutcome.cached(a, a.artifactPath());
            }
        } catch (IOException e) {
            return FileOutcome.failed(a, a.artifactPath(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FileOutcome.failed(a, a.artifactPath(), "interrupted");
        }
    }

    /** A non-200 answer: 403 is a verdict (its JSON says which and why), anything else a failure. */
    private static FileOutcome refused(LockedArtifact a, String path, int status, byte[] body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (status == 403 && json != null && json.has("verdict")) {
            return FileOutcome.held(a, path, json);
        }
        String message = json != null && json.hasNonNull("error") ? json.get("error").asText()
                : new String(body, StandardCharsets.UTF_8).strip();
        String why = switch (status) {
            case 401 -> "the server wants a token for package requests (--token or AIRLOCK_TOKEN)";
            case 404 -> "not found";
            default -> "HTTP " + status;
        };
        return FileOutcome.failed(a, path, why + (message.isEmpty() || status == 401 ? "" : ": " + abbreviate(message)));
    }

    /**
     * Why a locked version has no file in the metadata Airlock served: a held version is left
     * out of it, so the admin API (with a token) gives the verdict and its reasons.
     */
    FileOutcome whyMissing(LockedArtifact a, String canonicalName) {
        String notListed = "Airlock's " + a.metadataPath().replaceAll("\\?.*", "") + " lists no file of version " + a.version()
                + (a.expectedDigest() == null ? "" : " with " + a.expectedDigest());
        if (token == null) {
            return FileOutcome.failed(a, a.metadataPath(), notListed + " (held, or not on the upstream: with --token the admin API says which)");
        }
        try {
            HttpResponse<String> r = http.send(request("-/admin/api/packages/" + a.ecosystem() + "/"
                    + URLEncoder.encode(canonicalName, StandardCharsets.UTF_8), "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                for (JsonNode v : JSON.readTree(r.body()).path("versions")) {
                    if (v.path("version").asText().equalsIgnoreCase(a.version()) && !v.path("verdict").asText().equals("APPROVED")) {
                        return FileOutcome.held(a, a.metadataPath(), v);
                    }
                }
            }
        } catch (IOException e) {
            return FileOutcome.failed(a, a.metadataPath(), notListed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return FileOutcome.failed(a, a.metadataPath(), notListed);
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }
}
