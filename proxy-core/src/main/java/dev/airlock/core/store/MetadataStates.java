package dev.airlock.core.store;

import java.util.List;
import java.util.Optional;

/**
 * What is known of each cached metadata document: its body, validators and when it was fetched.
 * Part of {@link StateStore}; methods block (JDBC) and run on worker threads.
 */
public interface MetadataStates {

    Optional<MetadataState> findMetadata(String ecosystem, String cacheKey);

    void putMetadata(MetadataState state);

    /** Every stored metadata document's state of a package (an export takes them along). */
    List<MetadataState> metadataOf(String ecosystem, String packageName);
}
