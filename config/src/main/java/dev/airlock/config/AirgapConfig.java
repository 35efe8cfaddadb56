package dev.airlock.config;

import java.util.List;

/**
 * Settings for moving approved artifacts into an air-gapped mirror.
 *
 * @param trustedKeys public keys ({@code export.pub} files) whose bundles {@code import} accepts,
 *                    as written in the configuration; an unmodifiable list
 */
public record AirgapConfig(List<String> trustedKeys) {

    public AirgapConfig {
        trustedKeys = List.copyOf(trustedKeys);
    }
}
