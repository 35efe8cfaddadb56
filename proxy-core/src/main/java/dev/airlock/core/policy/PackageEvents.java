package dev.airlock.core.policy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Tells who decides about a package's releases that something it decided from has changed (a
 * file's reading, a publish time, an attestation's outcome). Made first and handed to the
 * services that learn facts and to the one that decides, so that neither needs the other.
 */
public final class PackageEvents {

    private final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();

    /** Calls {@code listener} with (ecosystem, package) on every change from now on. */
    public void subscribe(BiConsumer<String, String> listener) {
        listeners.add(listener);
    }

    /** Something a package's decisions rest on changed. */
    public void changed(String ecosystem, String packageName) {
        for (BiConsumer<String, String> l : listeners) {
            l.accept(ecosystem, packageName);
        }
    }
}
