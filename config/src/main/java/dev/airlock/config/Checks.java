package dev.airlock.config;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Invariants the records enforce on themselves, so a configuration built in code (CLI flags,
 * discovered upstreams) obeys the same rules as one read from a file. The loader checks the same
 * rules first so that its errors can name the key path.
 */
final class Checks {

    static final Pattern ECOSYSTEM_ID = Pattern.compile("[a-z][a-z0-9-]*");
    static final String ECOSYSTEM_ID_ALLOWED =
            "lower-case letters, digits and '-', starting with a letter, such as npm or pypi";

    private Checks() {
    }

    static Duration nonNegative(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative()) {
            throw new IllegalArgumentException(what + ": negative: got '" + value + "'");
        }
        return value;
    }

    static Duration positive(String what, Duration value) {
        if (nonNegative(what, value).isZero()) {
            throw new IllegalArgumentException(what + ": must be more than 0: got '" + value + "'");
        }
        return value;
    }

    static long nonNegative(String what, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + ": negative: got '" + value + "'");
        }
        return value;
    }

    static String ecosystemId(String id) {
        Objects.requireNonNull(id, "ecosystem id");
        if (!ECOSYSTEM_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "not a valid ecosystem id: got '" + id + "'; allowed: " + ECOSYSTEM_ID_ALLOWED);
        }
        return id;
    }

    /** Why {@code uri} cannot serve as an upstream or public URL, or null when it can. */
    static String httpUrlProblem(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            return "not an http or https URL";
        }
        if (uri.getHost() == null) {
            return "no host name";
        }
        // Credentials in a URL end up in logs and error pages; they belong under auth.
        if (uri.getRawUserInfo() != null) {
            return "has a user name or password in it";
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return "has a query or fragment";
        }
        return null;
    }

    /** A base URL that relative paths are resolved against, so it always ends with "/". */
    static URI baseUrl(String what, URI uri) {
        String path = checkedPath(what, uri);
        return rebuild(uri, path.endsWith("/") ? path : path + "/");
    }

    /** A URL that paths are appended to as text, so it never ends with "/". */
    static URI prefixUrl(String what, URI uri) {
        String path = checkedPath(what, uri);
        int end = path.length();
        while (end > 0 && path.charAt(end - 1) == '/') {
            end--;
        }
        return rebuild(uri, path.substring(0, end));
    }

    private static String checkedPath(String what, URI uri) {
        Objects.requireNonNull(uri, what);
        String problem = httpUrlProblem(uri);
        if (problem != null) {
            throw new IllegalArgumentException(what + ": " + problem + ": got '" + uri + "'");
        }
        return uri.getRawPath() == null ? "" : uri.getRawPath();
    }

    private static URI rebuild(URI uri, String rawPath) {
        return URI.create(uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority() + rawPath);
    }
}
