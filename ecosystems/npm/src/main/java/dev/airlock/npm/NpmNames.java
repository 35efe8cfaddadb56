package dev.airlock.npm;

/**
 * npm package names: what the registry accepts. Upper case is allowed because old packages
 * have it; everything that could change a URL's meaning is not.
 */
final class NpmNames {


    private NpmNames() {
    }

    static boolean validName(String name) {
        if (name.isEmpty() || name.length() > 214) {
            return false;
        }
        if (name.startsWith("@")) {
            int slash = name.indexOf('/');
            return slash > 1 && slash == name.lastIndexOf('/')
                    && part(name, 1, slash, false) && part(name, slash + 1, name.length(), false);
        }
        return part(name, 0, name.length(), false);
    }

    static boolean validTarballName(String file) {
        return file.length() <= 255 && file.endsWith(".tgz") && part(file, 0, file.length() - 4, true);
    }

    /**
     * {@code [A-Za-z0-9~][A-Za-z0-9._~-]*} (plus "+" in file names, for build metadata) over
     * {@code s[from, to)}; by hand because it runs on every request.
     */
    private static boolean part(String s, int from, int to, boolean plus) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '~';
            if (!alnum && (i == from || !(c == '.' || c == '_' || c == '-' || (plus && c == '+')))) {
                return false;
            }
        }
        return true;
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
