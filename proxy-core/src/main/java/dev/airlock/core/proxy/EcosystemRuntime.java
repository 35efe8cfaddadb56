package dev.airlock.core.proxy;

import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.upstream.UpstreamClient;

/**
 * A started ecosystem and the upstream client built for it.
 *
 * @param offline Airlock runs without upstreams ({@code offline: true}): nothing is ever fetched
 */
public record EcosystemRuntime(Ecosystem ecosystem, UpstreamClient upstream, boolean offline) {

    public String id() {
        return ecosystem.id();
    }

    /** Throws when nothing may be fetched: 404 offline, or the 503 that says how to configure an upstream. */
    public void requireUpstream() throws ProxyException {
        if (offline) {
            throw new ProxyException(404, "not in this mirror: Airlock runs offline and serves only what it has stored");
        }
        if (!upstream.settings().available()) {
            throw new ProxyException(503, "no " + id() + " upstream is configured: " + upstream.settings().unavailable());
        }
    }
}
