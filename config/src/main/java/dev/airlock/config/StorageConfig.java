package dev.airlock.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where Airlock keeps its data.
 *
 * @param path the data directory (artifacts, metadata, state, keys); a relative path is taken
 *             against the working directory, as given, never resolved here
 */
public record StorageConfig(Path path) {

    public StorageConfig {
        Objects.requireNonNull(path, "path");
    }
}
