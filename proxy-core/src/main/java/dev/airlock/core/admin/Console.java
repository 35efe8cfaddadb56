package dev.airlock.core.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The security team's web console: three static files from the jar, served with a strict
 * Content-Security-Policy. The page holds no data of its own; it calls the admin API with the
 * token the user signs in with (kept in the tab's session storage, sent as a bearer header, so
 * there is no cookie for another site to ride on).
 */
public final class Console {

    private static final String ROOT = "/dev/airlock/core/console/";
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> FILES = Map.of(
            "", "index.html",
            "index.html", "index.html",
            "console.js", "console.js",
            "console.css", "console.css");

    private Console() {
    }

    /** The files, read from the jar once: the event loop serves them without touching the class path. */
    private static final Map<String, AdminResponse> SERVED = load();

    private static Map<String, AdminResponse> load() {
        Map<String, AdminResponse> out = new HashMap<>();
        FILES.forEach((path, file) -> {
            try (InputStream in = Console.class.getResourceAsStream(ROOT + file)) {
                if (in == null) {
                    return;
                }
                String type = file.endsWith(".html") ? "text/html; charset=utf-8" : file.endsWith(".js") ? "text/javascript; charset=utf-8"
                        : "text/css; charset=utf-8";
                out.put(path, new AdminResponse(200, type, in.readAllBytes(), Map.of(
                        "Content-Security-Policy", CSP,
                        "X-Content-Type-Options", "nosniff",
                        "X-Frame-Options", "DENY",
                        "Referrer-Policy", "no-referrer",
                        "Cache-Control", "no-cache")));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the console from the jar", e);
            }
        });
        return Map.copyOf(out);
    }

    /** @param path below {@code /-/console/} */
    public static AdminResponse serve(String path) {
        AdminResponse r = SERVED.get(path);
        if (r != null) {
            return r;
        }
        return AdminResponse.json(404, FILES.containsKey(path) ? "{\"error\":\"the console is not in this build\",\"status\":404}"
                : "{\"error\":\"no such console file\",\"status\":404}");
    }
}
