package dev.airlock.core.store;

import java.util.List;

/**
 * What clients asked for, counted per release.
 * Part of {@link StateStore}; methods block (JDBC) and run on worker threads.
 */
public interface DemandStore {

    /** Adds counts of demand (summed with what is stored, token names merged up to the bound). */
    void addDemand(List<DemandRecord> demand);

    /** Recorded demand, of one ecosystem and package (either null for all). */
    List<DemandRecord> demand(String ecosystem, String packageName);
}
