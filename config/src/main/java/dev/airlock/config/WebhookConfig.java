package dev.airlock.config;

import java.net.URI;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One webhook Airlock tells about releases held, denied, released and rejected.
 * {@link #toString()} hides the secret and the URL's path, because chat webhook URLs (Slack's
 * among them) carry their credential in the path.
 *
 * @param url    where the events are POSTed: an absolute http(s) URL with a host and no user name,
 *               password or fragment (a query is allowed)
 * @param format the body's shape
 * @param events the events sent, never empty; unmodifiable
 * @param secret key of the {@code X-Airlock-Signature: sha256=<hex HMAC-SHA256 of the body>}
 *               header, or null to send no signature
 */
public record WebhookConfig(URI url, Format format, Set<EventType> events, String secret) {

    static final String URL_ALLOWED = "an absolute http:// or https:// URL with a host, without user name, password or fragment,"
            + " or \"${NAME}\" to read it from the environment";

    /** The body's shape. */
    public enum Format {
        /** Airlock's own JSON object, one per event. */
        JSON,
        /** A Slack-compatible incoming-webhook message ({@code text} and {@code blocks}). */
        SLACK
    }

    /** What happened to a release. */
    public enum EventType {
        /** The policy held a release (quarantine). */
        HELD,
        /** The policy denied a release for good (deny rule, known malicious). */
        DENIED,
        /** A person let a held release through. */
        RELEASED,
        /** A person kept a held release out. */
        REJECTED;

        /** The name used in configuration and payloads, such as {@code held}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public WebhookConfig {
        Objects.requireNonNull(url, "url");
        String problem = urlProblem(url);
        if (problem != null) {
            // The URL itself may be a credential; the message names the scheme and host only.
            throw new IllegalArgumentException("url: " + problem + ": got '" + shown(url) + "'");
        }
        Objects.requireNonNull(format, "format");
        if (events.isEmpty()) {
            throw new IllegalArgumentException("events: an empty list; allowed: one or more of held, denied, released, rejected");
        }
        events = Collections.unmodifiableSet(EnumSet.copyOf(events));
        if (secret != null && secret.isEmpty()) {
            throw new IllegalArgumentException("secret: empty");
        }
    }

    /** A webhook for every event, in {@code format}, unsigned. */
    public static WebhookConfig of(URI url, Format format) {
        return new WebhookConfig(url, format, EnumSet.allOf(EventType.class), null);
    }

    /** Whether events of this type (such as {@code held}) go to this webhook. */
    public boolean wants(String type) {
        for (EventType event : events) {
            if (event.id().equals(type)) {
                return true;
            }
        }
        return false;
    }

    /** Why {@code uri} cannot be a webhook URL, or null when it can: an upstream URL's rules, but a query is allowed (Slack-style tokens). */
    static String urlProblem(URI uri) {
        String problem = Checks.httpUrlProblem(uri);
        if (problem != null && problem.equals("has a query or fragment")) {
            return uri.getRawFragment() != null ? "has a fragment" : null;
        }
        return problem;
    }

    /** The URL without its path and query, which may be a credential: fit for logs. */
    public static String shown(URI url) {
        String scheme = url.getScheme() == null ? "?" : url.getScheme();
        String authority = url.getRawAuthority() == null ? "" : url.getRawAuthority().replaceAll(".*@", "");
        boolean more = url.getRawPath() != null && !url.getRawPath().isEmpty() && !url.getRawPath().equals("/")
                || url.getRawQuery() != null;
        return scheme + "://" + authority + (more ? "/***" : "/");
    }

    @Override
    public String toString() {
        return "WebhookConfig[url=" + shown(url) + ", format=" + format + ", events=" + events
                + ", secret=" + (secret == null ? null : "***") + "]";
    }
}
