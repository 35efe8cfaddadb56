package dev.airlock.core.server;

import dev.airlock.config.ServerConfig;
import dev.airlock.core.ecosystem.Request;
import dev.airlock.core.ecosystem.Route;
import dev.airlock.core.proxy.EcosystemRuntime;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Maps a decoded path to Airlock's own endpoints or to an ecosystem's route. Airlock's own
 * endpoints live under {@code /-/} names no registry protocol uses for packages; each ecosystem
 * owns {@code /{id}/}; what is left at the origin root is offered to each ecosystem in turn.
 */
final class Router {

    /** Where a request goes. */
    sealed interface Target {
        record Health() implements Target {
        }

        record Liveness() implements Target {
        }

        record Metrics() implements Target {
        }

        record Ecosystem(EcosystemRuntime runtime, Route route, Request request) implements Target {
        }

        record NotFound(String message) implements Target {
        }

        /** @param path below {@code /-/admin/api/} */
        record Admin(String path) implements Target {
        }

        /** @param path below {@code /-/console/}; null for {@code /-/console} itself (redirected) */
        record Console(String path) implements Target {
        }
    }

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]{1,253}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:[0-9]{1,5})?");

    private final Map<String, EcosystemRuntime> byMount = new LinkedHashMap<>();
    private final List<EcosystemRuntime> ecosystems;
    private final String publicUrl;
    private final boolean requireToken;

    /** Whether package routes need a token ({@code server.requireToken}). */
    boolean requireToken() {
        return requireToken;
    }
    /** host:port actually bound (set once listening; the configured port may be 0). */
    private volatile String fallbackHost;
    private final ClientLimits clientLimits;
    private final Set<String> trustedProxies;

    /** Requests in work per client ({@code server.maxConcurrentPerClient}), shared by every connection. */
    ClientLimits clientLimits() {
        return clientLimits;
    }

    /** Whether {@code X-Forwarded-For} from this address names the client ({@code server.trustedProxies}). */
    boolean trustedProxy(String address) {
        return trustedProxies.contains(address);
    }

    Router(ServerConfig config, Services services) {
        this.ecosystems = services.ecosystems();
        for (EcosystemRuntime e : ecosystems) {
            byMount.put("/" + e.id(), e);
        }
        this.publicUrl = config.publicUrl() == null ? null : config.publicUrl().toString().replaceAll("/+$", "");
        this.requireToken = config.requireToken();
        this.fallbackHost = config.host() + ":" + config.port();
        this.clientLimits = new ClientLimits(config.maxConcurrentPerClient());
        this.trustedProxies = Set.copyOf(config.trustedProxies());
    }

    /** Called once the listener is bound, so links name the real port. */
    void bound(InetSocketAddress address) {
        String host = address.getAddress().isAnyLocalAddress() ? "localhost" : address.getHostString();
        fallbackHost = (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    Target route(Request request) {
        String path = request.path();
        switch (path) {
            case "/-/health", "/-/health/ready" -> {
                return new Target.Health();
            }
            case "/-/health/live" -> {
                return new Target.Liveness();
            }
            case "/-/metrics" -> {
                return new Target.Metrics();
            }
            case "/-/console" -> {
                return new Target.Console(null);
            }
            default -> {
            }
        }
        if (path.startsWith("/-/admin/api/")) {
            return new Target.Admin(path.substring("/-/admin/api/".length()));
        }
        if (path.startsWith("/-/console/")) {
            return new Target.Console(path.substring("/-/console/".length()));
        }
        int second = path.indexOf('/', 1);
        String mount = second < 0 ? path : path.substring(0, second);
        EcosystemRuntime eco = byMount.get(mount);
        if (eco != null) {
            String rest = second < 0 ? "/" : path.substring(second);
            Request inner = new Request(request.method(), rest, request.query(), request.headers(), request.body());
            return new Target.Ecosystem(eco, eco.ecosystem().route(inner), inner);
        }
        for (EcosystemRuntime e : ecosystems) {
            Route r = e.ecosystem().routeRoot(request);
            if (r != null) {
                return new Target.Ecosystem(e, r, request);
            }
        }
        return new Target.NotFound("nothing is served at " + path + "; package routes are under "
                + String.join(", ", byMount.keySet().stream().map(m -> m + "/").toList()));
    }

    /**
     * The absolute URL of an ecosystem's mount as the client should use it: {@code server.publicUrl}
     * when set, else the Host the client addressed (validated), else the listen address.
     */
    String mountUrl(EcosystemRuntime eco, String hostHeader) {
        String base = publicUrl;
        if (base == null) {
            String host = hostHeader != null && HOST.matcher(hostHeader).matches() ? hostHeader : fallbackHost;
            base = "http://" + host;
        }
        return base + "/" + eco.id() + "/";
    }
}
