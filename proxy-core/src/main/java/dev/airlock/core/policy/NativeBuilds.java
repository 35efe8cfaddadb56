package dev.airlock.core.policy;

import java.util.regex.Pattern;

/**
 * The well-known commands that build or fetch a native addon at install time (npm's
 * {@code node-gyp rebuild}, {@code node-gyp-build}, {@code prebuild-install},
 * {@code node-pre-gyp}, {@code cmake-js}). A package moving from one to another (bcrypt 6.0.0:
 * {@code node-pre-gyp install --fallback-to-build} to {@code node-gyp-build}) changes its build
 * tool, not what it lets run, so {@code policy.installHooks: new} notes it instead of holding it.
 *
 * <p>A script is one of them only as a whole command, with the flags listed here: anything added
 * ({@code node-gyp rebuild && curl … | sh}) makes it a changed script like any other.
 */
final class NativeBuilds {

    private static final Pattern KNOWN = Pattern.compile(String.join("|",
            // The npm packument marks its implicit build for binding.gyp this way.
            "node-gyp rebuild(?: \\(implicit: binding\\.gyp\\))?",
            "node-gyp-build",
            "prebuild-install(?: (?:-r|--runtime)[ =](?:napi|node|electron))?(?: \\|\\| node-gyp rebuild)?",
            "node-pre-gyp install --fallback-to-build(?: --update-binary)?",
            "cmake-js(?: (?:compile|build|rebuild))?"));

    private NativeBuilds() {
    }

    /** Whether the script is one of the well-known native-build commands, whitespace aside. */
    static boolean isKnown(String script) {
        return script != null && KNOWN.matcher(script.strip().replaceAll("\\s+", " ")).matches();
    }
}
