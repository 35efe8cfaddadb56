package dev.airlock.pypi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The core metadata of a wheel ({@code <name>-<version>.dist-info/METADATA}), extracted the way
 * pip finds it, for indexes that do not serve PEP 658 {@code .metadata} files themselves.
 *
 * <p>Served byte for byte as stored in the wheel: that is what pip would read after downloading
 * the wheel, and what PyPI serves as the {@code .metadata} file.
 */
final class WheelMetadata {

    /** Real METADATA files are a few kilobytes, long descriptions included; refuse a bomb. */
    static final int MAX_BYTES = 4 * 1024 * 1024;

    private WheelMetadata() {
    }

    /**
     * @param filename the wheel's file name, whose distribution part the {@code .dist-info}
     *                 directory must match
     * @throws IOException when the file is not a wheel pip would accept: not a zip, no or several
     *                     top-level {@code .dist-info} directories, one for another project, or a
     *                     METADATA that is missing or too large
     */
    static byte[] extract(Path wheel, String filename) throws IOException {
        String distribution = PypiNames.normalize(filename.substring(0, filename.indexOf('-')));
        try (ZipFile zip = new ZipFile(wheel.toFile())) {
            List<String> distInfos = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                int slash = name.indexOf('/');
                if (slash > 0 && name.substring(0, slash).endsWith(".dist-info")) {
                    String dir = name.substring(0, slash);
                    if (!distInfos.contains(dir)) {
                        distInfos.add(dir);
                    }
                }
            }
            if (distInfos.size() != 1) {
                throw new IOException(filename + " has " + distInfos.size() + " .dist-info directories, not one");
            }
            String dir = distInfos.get(0);
            int dash = dir.indexOf('-');
            if (dash <= 0 || !PypiNames.normalize(dir.substring(0, dash)).equals(distribution)) {
                throw new IOException(filename + " holds " + dir + ", which is not " + distribution + "'s");
            }
            ZipEntry entry = zip.getEntry(dir + "/METADATA");
            if (entry == null || entry.isDirectory()) {
                throw new IOException(filename + " has no " + dir + "/METADATA");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                byte[] bytes = in.readNBytes(MAX_BYTES + 1);
                if (bytes.length > MAX_BYTES) {
                    throw new IOException(filename + ": " + dir + "/METADATA is larger than " + MAX_BYTES + " bytes");
                }
                return bytes;
            }
        }
    }
}
