package dev.airlock.core.ecosystem;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an artifact really contains, as far as the policy cares, read from the bytes Airlock
 * verified (never from what metadata claims).
 *
 * @param installHooks code the client runs because of what is in the file, by kind ("binding.gyp",
 *                     ".pth", "annotation-processor", "maven-plugin") with the evidence (a path, a
 *                     class name)
 * @param mismatches   where the file contradicts the registry's metadata (npm manifest confusion:
 *                     "scripts.postinstall" to "registry: none; tarball: node x.js")
 * @param anomalies    what no honest archive needs and no client should unpack: symlinks, absolute
 *                     or traversal paths, entries or sizes beyond the inspection bounds
 * @param signer       who verifiably signed or built it (keys below); a key with value "" means
 *                     checked and absent (no {@code .asc}, no provenance), a missing key means
 *                     not checked
 * @param signatureFailures signatures over these bytes that do not verify (a tampered file or a
 *                     forged signature): each one denies the release
 * @param hookFiles    for a reviewer: the text of the files a hook runs or registers (the script an
 *                     install command names, binding.gyp, a .pth file, a plugin's mojo list, an
 *                     annotation processor registration), by path, each at most {@link #HOOK_FILE_MAX}
 *                     characters; evidence only, never part of a verdict
 * @param files        for a reviewer: the archive's files by path, for the list of what changed
 *                     against the previous version (at most {@link #MAX_LISTED}); evidence only
 */
public record ContentFacts(Map<String, String> installHooks, Map<String, String> mismatches, List<String> anomalies,
                           Map<String, String> signer, List<String> signatureFailures, Map<String, String> hookFiles,
                           Map<String, Listed> files) {

    /** The longest text kept of one hook file; the rest is cut with a note saying how much more there was. */
    public static final int HOOK_FILE_MAX = 16 * 1024;
    /** Archives with more files than this are listed only this far (the evidence says so). */
    public static final int MAX_LISTED = 20_000;

    /** One file of an archive: its size and a CRC-32 of its bytes (what zip archives carry), to tell a change of the same size. */
    public record Listed(long size, String crc32) {
    }

    public static final ContentFacts NONE = new ContentFacts(Map.of(), Map.of(), List.of());

    /** OpenPGP: the signing key's primary fingerprint, or "key id X" when the key is not in the operator's keyrings. */
    public static final String PGP_KEY = "pgp-key";
    /** OpenPGP: the hash a verified signature was made over ("SHA-512", "SHA-1"); absent for keys Airlock cannot check. */
    public static final String PGP_HASH = "pgp-hash";
    /** OpenPGP: when the signature says it was made (ISO-8601): the signer's claim, used only where no publish time is known. */
    public static final String PGP_SIGNED_AT = "pgp-signed-at";
    /**
     * Set by the core when the OpenPGP key is new to the package's signer scope (a Maven groupId)
     * while the scope had keys already: those keys, and the scope. (Readings stored before keys
     * were learnt as a set name the scope's first key here; they mean the same.)
     */
    public static final String PGP_KEY_FIRST = "pgp-key-first-in-scope";
    /** Provenance (Sigstore, PEP 740, npm SLSA): "" when the release has none; the signer's identity otherwise. */
    public static final String PROVENANCE = "provenance";
    /** The source repository the build ran for, from the verified signing certificate. */
    public static final String REPOSITORY = "repository";
    /** The workflow path that signed, from the verified signing certificate. */
    public static final String WORKFLOW = "workflow";
    /** The git ref the build ran at. */
    public static final String REF = "ref";
    /** The builder the provenance names. */
    public static final String BUILDER = "builder";

    public ContentFacts(Map<String, String> installHooks, Map<String, String> mismatches, List<String> anomalies) {
        this(installHooks, mismatches, anomalies, Map.of(), List.of());
    }

    public ContentFacts(Map<String, String> installHooks, Map<String, String> mismatches, List<String> anomalies,
                        Map<String, String> signer, List<String> signatureFailures) {
        this(installHooks, mismatches, anomalies, signer, signatureFailures, Map.of(), Map.of());
    }

    /** These facts with the reviewer's evidence of what the archive holds. */
    public ContentFacts withEvidence(Map<String, String> hookFiles, Map<String, Listed> files) {
        return new ContentFacts(installHooks, mismatches, anomalies, signer, signatureFailures, hookFiles, files);
    }

    /**
     * A hook file's text as a reviewer sees it: UTF-8, cut at {@link #HOOK_FILE_MAX} characters
     * with a note, or a note alone for bytes that are not text (never rendered, only shown).
     */
    public static String hookFileText(byte[] bytes, long size) {
        for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
            if (bytes[i] == 0) {
                return "(binary, " + size + " bytes)";
            }
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.length() > HOOK_FILE_MAX || size > bytes.length) {
            return text.substring(0, Math.min(text.length(), HOOK_FILE_MAX)) + "\n... (cut: " + size + " bytes in all)";
        }
        return text;
    }

    /** Only who signed it (a signature checked beside the file, no archive read). */
    public static ContentFacts signed(Map<String, String> signer, List<String> failures) {
        return new ContentFacts(Map.of(), Map.of(), List.of(), signer, failures);
    }

    public ContentFacts {
        // Readings stored before these fields existed have none.
        signer = signer == null ? Map.of() : Collections.unmodifiableSortedMap(new TreeMap<>(signer));
        signatureFailures = signatureFailures == null ? List.of() : List.copyOf(signatureFailures);
        hookFiles = hookFiles == null ? Map.of() : Collections.unmodifiableSortedMap(new TreeMap<>(hookFiles));
        files = files == null ? Map.of() : Collections.unmodifiableSortedMap(new TreeMap<>(files));
        // Sorted: equal facts print the same in every JVM (the policy digests them).
        installHooks = Collections.unmodifiableSortedMap(new TreeMap<>(installHooks));
        mismatches = Collections.unmodifiableSortedMap(new TreeMap<>(mismatches));
        anomalies = List.copyOf(anomalies);
    }
}
