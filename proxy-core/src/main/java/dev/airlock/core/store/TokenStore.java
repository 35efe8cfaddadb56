package dev.airlock.core.store;

import java.time.Instant;
import java.util.List;

/**
 * Admin API tokens, by hash.
 * Part of {@link StateStore}; methods block (JDBC) and run on worker threads.
 */
public interface TokenStore {

    /** Stores a new admin token (by hash). A name in use is an error. */
    void putToken(TokenRecord token);

    /** Every admin token, revoked ones included. */
    List<TokenRecord> tokens();

    /** Revokes a token; false when there is no valid token of that name. */
    boolean revokeToken(String name, Instant at);
}
