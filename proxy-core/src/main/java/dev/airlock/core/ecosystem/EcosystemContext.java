package dev.airlock.core.ecosystem;

import dev.airlock.config.LimitsConfig;
import dev.airlock.config.UpstreamConfig;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What an ecosystem may read at start-up: its own {@code upstreams.<id>} section, the process
 * environment and home directory (for discovering the machine's client configuration), and the clock.
 * Environment and home are injected so that discovery can be tested without touching the real ones.
 * {@code trust} is what signatures are verified against.
 */
public record EcosystemContext(UpstreamConfig upstream, Map<String, String> environment, Path home, Clock clock, SignatureTrust trust,
                               LimitsConfig limits) {

    /** With the default limits. */
    public EcosystemContext(UpstreamConfig upstream, Map<String, String> environment, Path home, Clock clock, SignatureTrust trust) {
        this(upstream, environment, home, clock, trust, LimitsConfig.DEFAULTS);
    }

    /** With the default trust (the shipped Sigstore root, no OpenPGP keyrings) and limits. */
    public EcosystemContext(UpstreamConfig upstream, Map<String, String> environment, Path home, Clock clock) {
        this(upstream, environment, home, clock, SignatureTrust.defaults());
    }
}
