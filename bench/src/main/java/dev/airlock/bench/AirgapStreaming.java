package dev.airlock.bench;

import dev.airlock.core.airgap.Export;
import dev.airlock.core.airgap.ExportKey;
import dev.airlock.core.airgap.Import;
import dev.airlock.core.store.ArtifactRecord;
import dev.airlock.core.store.BlobSpool;
import dev.airlock.core.store.BlobStore;
import dev.airlock.core.store.FileBlobStore;
import dev.airlock.core.store.sql.SqliteStateStore;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Exports and imports a bundle far larger than the heap, to show both directions stream:
 * {@code java -Xmx128m -cp bench/target/benchmarks.jar dev.airlock.bench.AirgapStreaming [GiB]}.
 * Prints sizes, times and the peak heap in use. Writes under a temporary folder it deletes.
 */
public final class AirgapStreaming {

    private AirgapStreaming() {
    }

    public static void main(String[] args) throws Exception {
        double gib = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int files = (int) Math.ceil(gib * 16); // 64 MiB each
        Path root = Files.createTempDirectory("airgap-streaming-");
        Path outside = root.resolve("outside");
        Path inside = root.resolve("inside");
        Path bundle = root.resolve("bundle.zip");
        try {
            try (SqliteStateStore s = new SqliteStateStore(outside)) {
                BlobStore blobs = new FileBlobStore(outside);
                byte[] chunk = new byte[1 << 20];
                Random random = new Random(7);
                for (int i = 0; i < files; i++) {
                    try (BlobSpool p = blobs.spool(Set.of())) {
                        for (int m = 0; m < 64; m++) {
                            random.nextBytes(chunk);
                            p.write(chunk);
                        }
                        long size = p.size();
                        String sha = p.sha256Hex();
                        p.commit();
                        s.putArtifact(new ArtifactRecord("maven", "org.example:big-" + i, "org/example/big-" + i + "/1.0/big-" + i + "-1.0.jar",
                                "1.0", sha, size, "application/java-archive", null, java.time.Instant.now(), null, Map.of()));
                    }
                }
                ExportKey key = ExportKey.loadOrCreate(outside);
                long t0 = System.nanoTime();
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(bundle), 1 << 16)) {
                    Export.write(s, outside, key, null, Clock.systemUTC(), out);
                }
                long exportMs = (System.nanoTime() - t0) / 1_000_000;
                long peakAfterExport = peakHeap();
                ExportKey.Trusted trusted = ExportKey.Trusted.parse(key.publicLine(), "bench");
                try (SqliteStateStore in = new SqliteStateStore(inside);
                     InputStream bin = new BufferedInputStream(Files.newInputStream(bundle), 1 << 16)) {
                    long t1 = System.nanoTime();
                    Import.Summary r = Import.run(bin, List.of(trusted), inside, in, Clock.systemUTC(), "bench", l -> { });
                    long importMs = (System.nanoTime() - t1) / 1_000_000;
                    System.out.printf("bundle %.2f GiB (%d files of 64 MiB); export %d ms (%.0f MiB/s); import %d ms (%.0f MiB/s), %d added;"
                                    + " max heap %d MiB, peak heap in use %d MiB (after export %d MiB)%n",
                            Files.size(bundle) / (double) (1L << 30), files, exportMs, Files.size(bundle) / 1048576.0 / (exportMs / 1000.0),
                            importMs, Files.size(bundle) / 1048576.0 / (importMs / 1000.0), r.artifactsAdded(),
                            Runtime.getRuntime().maxMemory() >> 20, peakHeap() >> 20, peakAfterExport >> 20);
                }
            }
        } finally {
            try (var all = Files.walk(root)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static long peakHeap() {
        long peak = 0;
        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
