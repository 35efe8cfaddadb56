package dev.airlock.npm;

import java.util.regex.Pattern;

/**
 * npm package names: what the registry accepts. Upper case is allowed because old packages
 * have it; everything that could change a URL's meaning is not.
 */
final class NpmNames {

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9~][A-Za-z0-9._~-]*");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9~][A-Za-z0-9._~+-]*\\.tgz");

    private NpmNames() {
    }

    static boolean validName(String name) {
        if (name.isEmpty() || name.length() > 214) {
            return false;
        }
        if (name.startsWith("@")) {
            int slash = name.indexOf('/');
            return slash > 1 && slash == name.lastIndexOf('/')
                    && PART.matcher(name.substring(1, slash)).matches()
                    && PART.matcher(name.substring(slash + 1)).matches();
        }
        return PART.matcher(name).matches();
    }

    static boolean validTarballName(String file) {
        return file.length() <= 255 && FILE.matcher(file).matches();
    }

    /** How the npm client spells a name in a packument URL: the scope's slash as {@code %2f}. */
    static String escape(String name) {
        return name.replace("/", "%2f");
    }

    /** The part after the scope (what tarball file names start with). */
    static String unscoped(String name) {
        int slash = name.indexOf('/');
        return slash < 0 ? name : name.substring(slash + 1);
    }
}
