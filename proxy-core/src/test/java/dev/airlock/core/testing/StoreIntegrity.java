package dev.airlock.core.testing;

import dev.airlock.core.store.ArtifactRecord;
import dev.airlock.core.store.sql.SqliteStateStore;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** What a stopped Airlock's data directory must hold after faults or a crash: whole blobs, and no index row without its blob. */
public final class StoreIntegrity {

    private StoreIntegrity() {
    }

    /**
     * Every blob that does not hash to its name, and every file of the package indexed without its
     * blob; empty when the store is whole. Run it on a data directory no server is using.
     */
    public static List<String> problems(Path data, String ecosystem, String packageName) throws Exception {
        List<String> wrong = new ArrayList<>();
        Path blobs = data.resolve("blobs");
        try (Stream<Path> s = Files.walk(blobs)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                MessageDigest d = MessageDigest.getInstance("SHA-256");
                try (InputStream in = Files.newInputStream(f)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        d.update(buf, 0, n);
                    }
                }
                if (!HexFormat.of().formatHex(d.digest()).equals(f.getFileName().toString())) {
                    wrong.add(blobs.relativize(f) + " does not hash to its name");
                }
            }
        }
        try (SqliteStateStore state = new SqliteStateStore(data)) {
            for (ArtifactRecord r : state.artifacts(ecosystem, packageName)) {
                Path blob = blobs.resolve(r.sha256().substring(0, 2)).resolve(r.sha256().substring(2, 4)).resolve(r.sha256());
                if (!Files.isRegularFile(blob)) {
                    wrong.add(r.filename() + " is indexed without its blob");
                }
            }
        }
        return wrong;
    }
}
