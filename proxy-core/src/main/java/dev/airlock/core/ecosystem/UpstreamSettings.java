package dev.airlock.core.ecosystem;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The upstream an ecosystem decided on at start-up.
 *
 * @param base        the registry root every metadata and pass-through path is resolved against
 *                    (ends with "/"), or {@code null} when none could be found
 * @param alternates  further registry roots tried in order when {@code base} lacks a path or fails
 *                    ({@code upstreams.<id>.url} given as a list); they get no credentials
 * @param extraHosts  further bases whose hosts artifact URLs found in metadata may point at
 *                    (a files host); URLs on any other host are refused
 * @param source      where the base came from, for the start-up log ("upstreams.npm.url in airlock.yaml",
 *                    "NPM_CONFIG_REGISTRY", ...)
 * @param unavailable when {@code base} is null: what the operator should do, sent to clients in a 503
 */
public record UpstreamSettings(URI base, List<URI> alternates, List<URI> extraHosts, String source, String unavailable) {

    public UpstreamSettings {
        // Roots are directories: relative paths resolve under them only with the trailing "/"
        // (a discovered "https://host/maven2" would otherwise send every path to the host root).
        base = base == null ? null : asDirectory(base);
        alternates = alternates.stream().map(UpstreamSettings::asDirectory).toList();
        extraHosts = List.copyOf(extraHosts);
        Objects.requireNonNull(source, "source");
        if (base == null) {
            Objects.requireNonNull(unavailable, "unavailable must say how to configure the upstream");
        }
    }

    private static URI asDirectory(URI u) {
        String s = u.toString();
        return s.endsWith("/") || u.getRawQuery() != null || u.getRawFragment() != null ? u : URI.create(s + "/");
    }

    public static UpstreamSettings of(URI base, List<URI> extraHosts, String source) {
        return new UpstreamSettings(base, List.of(), extraHosts, source, null);
    }

    /** These settings with further roots tried in order after {@link #base()}. */
    public UpstreamSettings withAlternates(List<URI> roots) {
        return new UpstreamSettings(base, roots, extraHosts, source, unavailable);
    }

    /** {@link #base()} then the alternates, in the order they are tried. */
    public List<URI> roots() {
        if (base == null) {
            return List.of();
        }
        ArrayList<URI> all = new ArrayList<>(1 + alternates.size());
        all.add(base);
        all.addAll(alternates);
        return all;
    }

    public static UpstreamSettings none(String source, String howToConfigure) {
        return new UpstreamSettings(null, List.of(), List.of(), source, howToConfigure);
    }

    public boolean available() {
        return base != null;
    }
}
