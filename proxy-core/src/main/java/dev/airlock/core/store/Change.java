package dev.airlock.core.store;

import java.time.Instant;

/**
 * One entry of the {@link ChangeLog}.
 *
 * @param origin      the store instance that wrote it ({@link ChangeLog#origin()}): a process skips its own
 * @param kind        one of the constants below
 * @param ecosystem   the ecosystem it concerns, or null for all
 * @param packageName the package it concerns, or null for all of the ecosystem
 * @param ref         what else names the change (a metadata cache key, a token name, a rule id), or null
 */
public record Change(long id, String origin, String kind, String ecosystem, String packageName, String ref, Instant at) {

    /** A release's automatic verdict. */
    public static final String VERDICT = "verdict";
    /** A person's decision about a release. */
    public static final String DECISION = "decision";
    /** A run-time allow or deny rule added or removed. */
    public static final String RULE = "rule";
    /** An admin token created or revoked. */
    public static final String TOKEN = "token";
    /** What a release's files contain, or a signer or registry key pinned. */
    public static final String CONTENT = "content";
    /** A metadata document's stored body replaced. */
    public static final String METADATA = "metadata";
}
