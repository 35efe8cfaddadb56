package dev.airlock.core.server;

import dev.airlock.core.admin.AdminApi;
import dev.airlock.core.flow.RequestFlow;
import dev.airlock.core.metrics.AirlockMetrics;
import dev.airlock.core.proxy.ArtifactService;
import dev.airlock.core.proxy.EcosystemRuntime;
import dev.airlock.core.proxy.MetadataService;
import dev.airlock.core.store.BlobStore;
import dev.airlock.core.store.StateStore;

import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * What the HTTP layer calls into. {@code workers} is the bounded pool for everything that blocks
 * (JDBC, disk, upstream, hashing, rendering); event loops never run such work. {@code admin} is a
 * small separate pool for health and metrics, so that probes answer while workers are saturated
 * by slow upstreams. {@code viaToken}
 * is what this instance adds to {@code Via} upstream; a request already carrying it has looped.
 */
public record Services(List<EcosystemRuntime> ecosystems, RequestFlow flow, MetadataService metadata, ArtifactService artifacts,
                       StateStore state, BlobStore blobs, AirlockMetrics metrics, ExecutorService workers,
                       ExecutorService admin, String viaToken, AdminApi adminApi) {

    public Services {
        ecosystems = List.copyOf(ecosystems);
    }

    /** Without the admin API (tests of the proxy alone). */
    public Services(List<EcosystemRuntime> ecosystems, RequestFlow flow, MetadataService metadata, ArtifactService artifacts, StateStore state,
                    BlobStore blobs, AirlockMetrics metrics, ExecutorService workers, ExecutorService admin, String viaToken) {
        this(ecosystems, flow, metadata, artifacts, state, blobs, metrics, workers, admin, viaToken, null);
    }
}
