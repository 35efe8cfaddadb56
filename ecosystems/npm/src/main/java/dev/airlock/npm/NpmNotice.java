package dev.airlock.npm;

import java.util.Map;

/**
 * The {@code npm-notice} header that tells an npm client why versions it may ask for are missing
 * from a packument: the policy's reasons for what it holds, on one printable line.
 */
final class NpmNotice {

    /** Longest npm-notice Airlock sends; the npm client prints it as one line. */
    static final int MAX_NOTICE = 2000;

    private NpmNotice() {
    }

    /**
     * Versions the policy hides are absent from the document, so a client asking for one would
     * only hear "no matching version". npm prints a registry's {@code npm-notice} header, so the
     * reasons go there (on a response npm does not cache, or it would not print it: such
     * documents are answered {@code no-store} while a version is held).
     */
    static Map<String, String> headers(Map<String, String> held) {
        if (held.isEmpty()) {
            return Map.of();
        }
        StringBuilder sb = new StringBuilder();
        for (String why : held.values()) {
            if (sb.length() > 0) {
                sb.append(" | ");
            }
            sb.append(why);
        }
        String text = sb.toString().replaceAll("[^\\x20-\\x7e]", "?");
        if (text.length() > MAX_NOTICE) {
            text = text.substring(0, MAX_NOTICE - 20) + " ... (" + held.size() + " held)";
        }
        // npm prints the notice only from a response it does not store in its cache.
        return Map.of("npm-notice", text, "Cache-Control", "no-store");
    }
}
