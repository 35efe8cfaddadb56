package dev.airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The command line talking to a running Airlock's admin API ({@code --server}, with
 * {@code --token} or {@code AIRLOCK_TOKEN}). Failures become {@link Failed} with a sentence for
 * the terminal; nothing here prints a stack trace.
 */
final class Remote {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** Where the server is and who is asking. */
    static final class Options {
        @Option(names = "--server", paramLabel = "URL", description = "A running Airlock, e.g. http://127.0.0.1:8080")
        String server;

        @Option(names = "--token", paramLabel = "TOKEN", description = "Admin API token (default: the AIRLOCK_TOKEN environment variable).")
        String token;

        boolean remote() {
            return server != null;
        }

        Remote connect() {
            String t = token != null ? token : System.getenv("AIRLOCK_TOKEN");
            if (t == null || t.isBlank()) {
                throw new Failed("a token is needed to talk to " + server + ": --token TOKEN or AIRLOCK_TOKEN", 2);
            }
            URI base;
            try {
                base = URI.create(server.replaceAll("/+$", "") + "/-/admin/api/");
                if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                throw new Failed("--server must be an http(s) URL, not " + server, 2);
            }
            return new Remote(base, t.strip());
        }
    }

    /** A failure to report: the message and the exit code. */
    static final class Failed extends RuntimeException {
        final int code;

        Failed(String message, int code) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private final URI base;
    private final String token;

    private Remote(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    JsonNode get(String path) {
        return json(send("GET", path, null));
    }

    String getText(String path) {
        return send("GET", path, null).body();
    }

    JsonNode post(String path, JsonNode body) {
        return json(send("POST", path, body));
    }

    JsonNode delete(String path) {
        return json(send("DELETE", path, null));
    }

    private HttpResponse<String> send(String method, String path, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r;
        try {
            r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Failed("cannot reach Airlock at " + base.resolve("/") + " (is it running?)", 1);
        } catch (IOException e) {
            throw new Failed("cannot talk to Airlock at " + base.resolve("/") + ": " + e.getMessage(), 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted", 1);
        }
        if (r.statusCode() / 100 != 2) {
            String message;
            try {
                message = JSON.readTree(r.body()).path("error").asText(r.body());
            } catch (IOException e) {
                message = r.body();
            }
            throw new Failed(switch (r.statusCode()) {
                case 401 -> "the server refused the token: " + message;
                case 403 -> "not allowed: " + message;
                default -> message;
            }, 1);
        }
        return r;
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new Failed("the server answered something that is not JSON", 1);
        }
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
