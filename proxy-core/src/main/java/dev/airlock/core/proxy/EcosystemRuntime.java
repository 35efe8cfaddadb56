package dev.airlock.core.proxy;

import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.upstream.UpstreamClient;

/** A started ecosystem and the upstream client built for it. */
public record EcosystemRuntime(Ecosystem ecosystem, UpstreamClient upstream) {

    public String id() {
        return ecosystem.id();
    }

    /** Throws the 503 that tells the operator how to configure an upstream, when there is none. */
    public void requireUpstream() throws ProxyException {
        if (!upstream.settings().available()) {
            throw new ProxyException(503, "no " + id() + " upstream is configured: " + upstream.settings().unavailable());
        }
    }
}
