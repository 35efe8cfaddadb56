package dev.airlock.core.ecosystem;

import dev.airlock.config.LimitsConfig;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Walks the regular files of a gzipped tar archive (a Python sdist) in one streamed pass, with
 * bounds, for ecosystems that read what an archive holds: names (with PAX and GNU long names),
 * sizes, and the bytes of the entries the visitor asks for. Nothing is unpacked to disk. A
 * malformed archive ends the walk; what was visited stands.
 */
public final class TarEntries {

    /** Entries visited at most by default ({@code limits.archiveEntries}). */
    public static final int MAX_ENTRIES = LimitsConfig.DEFAULTS.archiveEntries();

    private TarEntries() {
    }

    /** What to do with one regular file of the archive. */
    public interface Visitor {
        /**
         * @param name the entry's path as the archive names it
         * @return how many of its first bytes to hand to {@link #read} (0 to skip it)
         */
        int want(String name, long size);

        /** The first bytes of an entry {@link #want} asked for. */
        void read(String name, long size, byte[] head);
    }

    public static String walk(Path tarGz, Visitor visitor) throws IOException {
        return walk(tarGz, visitor, LimitsConfig.DEFAULTS);
    }

    /**
     * Visits the archive's regular files in order, through gunzip once, up to
     * {@code limits.archiveEntries} entries and {@code limits.archiveSize} unpacked bytes: a tar
     * bomb costs bounded time, and skipped bytes are never held.
     *
     * @return why the walk stopped before the end (for an anomaly), or null when it did not
     */
    public static String walk(Path tarGz, Visitor visitor, LimitsConfig limits) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarGz), 64 * 1024)) {
            byte[] header = new byte[512];
            String longName = null;
            long unpacked = 0;
            for (int entries = 0; ; entries++) {
                if (entries == limits.archiveEntries()) {
                    return "has more than " + limits.archiveEntries() + " entries; not inspected further";
                }
                if (in.readNBytes(header, 0, 512) < 512 || isZero(header) || !checksumOk(header)) {
                    return null;
                }
                long size = octal(header, 124, 12);
                if (size < 0) {
                    return null;
                }
                long padded = (size + 511) / 512 * 512;
                unpacked += 512 + padded;
                if (unpacked > limits.archiveSize()) {
                    return "unpacks to more than " + limits.archiveSize() + " bytes; not inspected further";
                }
                char type = (char) header[156];
                String name = longName != null ? longName : name(header);
                longName = null;
                if (type == 'x' || type == 'L') {
                    byte[] data = in.readNBytes((int) Math.min(padded, 1 << 16));
                    in.skipNBytes(padded - data.length);
                    String text = new String(data, 0, (int) Math.min(size, data.length), StandardCharsets.UTF_8);
                    longName = type == 'L' ? text.replace("\0", "") : paxPath(text);
                    continue;
                }
                boolean regular = type == '0' || type == 0 || type == '7';
                int want = regular ? Math.max(0, visitor.want(name, size)) : 0;
                if (want > 0) {
                    byte[] head = in.readNBytes((int) Math.min(size, want));
                    in.skipNBytes(padded - head.length);
                    visitor.read(name, size, head);
                } else {
                    in.skipNBytes(padded);
                }
            }
        } catch (EOFException e) {
            // A truncated archive: what was visited stands.
            return null;
        }
    }

    /** An entry's path from its header: the name, behind the ustar prefix when there is one. */
    public static String name(byte[] h) {
        String name = cString(h, 0, 100);
        boolean posix = new String(h, 257, 8, StandardCharsets.ISO_8859_1).equals("ustar\u000000");
        String prefix = posix ? cString(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** The {@code path} record of a PAX extended header, or null. */
    public static String paxPath(String records) {
        for (String line : records.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0 && line.startsWith("path=", sp + 1)) {
                return line.substring(sp + 6);
            }
        }
        return null;
    }

    /** The header's checksum: the byte sum with the checksum field counted as spaces. */
    public static boolean checksumOk(byte[] h) {
        long declared = octal(h, 148, 8);
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += i >= 148 && i < 156 ? ' ' : h[i] & 0xff;
        }
        return declared == sum;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    /** A header's octal number field; -1 when it holds anything but octal digits. */
    public static long octal(byte[] b, int off, int len) {
        long v = 0;
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == 0 || c == ' ') {
                if (v > 0) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7') {
                return -1;
            }
            v = v * 8 + (c - '0');
        }
        return v;
    }

    /** Whether a block is all zeros (the end-of-archive marker). */
    public static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
