package dev.airlock.core.store;

import java.io.IOException;

/**
 * A blob store that keeps its blobs elsewhere (an object store) could not be reached: the blob
 * may well be there. Clients are told to come back (503), and nothing is fetched upstream again
 * on its account.
 */
public final class BlobStoreUnavailableException extends IOException {

    public BlobStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
