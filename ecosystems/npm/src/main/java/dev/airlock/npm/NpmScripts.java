package dev.airlock.npm;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A manifest's scripts as npm runs them, so that the registry's manifest and the tarball's are
 * compared after the same normalisation npm applies (its {@code @npmcli/package-json} normaliser
 * and {@code @npmcli/run-script}), not as raw text. What npm does, and so what is done here:
 * <ul>
 *   <li>a script that is not a string is dropped, and an empty one runs nothing;</li>
 *   <li>a leading {@code node_modules/.bin/} is stripped ({@code npm publish} does it, and npm
 *       puts that folder on the PATH anyway);</li>
 *   <li>{@code node-gyp rebuild} is the install script of a package with {@code binding.gyp} in
 *       its root and neither an {@code install} nor a {@code preinstall} script, unless the
 *       manifest says {@code "gypfile": false} (better-sqlite3 ships {@code binding.gyp} for
 *       building from source by hand and says exactly that).</li>
 * </ul>
 */
final class NpmScripts {

    /** The scripts npm runs when it installs a package from the registry. */
    static final Set<String> INSTALL = Set.of("preinstall", "install", "postinstall");

    static final String NODE_GYP_REBUILD = "node-gyp rebuild";

    private static final Pattern BIN_PREFIX = Pattern.compile("^(\\.[/\\\\])?node_modules[/\\\\]\\.bin[/\\\\]");

    private NpmScripts() {
    }

    /** The script as npm runs it, or null when npm runs nothing for it. */
    static String normalise(String script) {
        if (script == null || script.isEmpty()) {
            return null;
        }
        return BIN_PREFIX.matcher(script).replaceFirst("");
    }

    /**
     * Whether npm runs {@code node-gyp rebuild} of its own accord.
     *
     * @param scripts   the normalised scripts
     * @param gypfile   the manifest's {@code gypfile}, or null when it has none
     * @param bindingGyp whether {@code binding.gyp} is in the package root
     */
    static boolean implicitGyp(Map<String, String> scripts, Boolean gypfile, boolean bindingGyp) {
        return bindingGyp && !Boolean.FALSE.equals(gypfile) && !scripts.containsKey("install") && !scripts.containsKey("preinstall");
    }
}
