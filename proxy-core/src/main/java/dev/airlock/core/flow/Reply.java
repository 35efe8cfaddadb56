package dev.airlock.core.flow;

import dev.airlock.core.policy.Block;
import dev.airlock.core.proxy.ArtifactService;
import dev.airlock.core.proxy.CacheStatus;
import dev.airlock.core.proxy.MetadataEntry;

import java.util.Map;

/**
 * What a routed package request is answered with, before any HTTP: the server translates each
 * kind to a response and nothing else. Built by {@link RequestFlow}.
 */
public sealed interface Reply {

    /** A rendered metadata document (the server picks identity or gzip and answers conditional requests). */
    record Document(MetadataEntry.Document document, CacheStatus cache) implements Reply {
    }

    /** A cached file, allowed by the policy, with the digest headers its route asks for. */
    record Blob(ArtifactService.Served served, Map<String, String> digestHeaders) implements Reply {
    }

    /** Refused by the policy (403 with the reasons and the way out). */
    record Blocked(Block block) implements Reply {
    }

    /** A small body made here or relayed from upstream (checksums, passthrough answers). */
    record Bytes(int status, String contentType, byte[] body, CacheStatus cache) implements Reply {
    }

    /** A permanent redirect to another path of Airlock. */
    record Redirect(String location) implements Reply {
    }

    /** A clean error: the status and the reason the client is shown. */
    record Error(int status, String message) implements Reply {
    }
}
