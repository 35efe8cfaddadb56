package dev.airlock.npm.e2e;

import dev.airlock.core.testing.RunningAirlock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The environment the real npm runs in for these tests: only Airlock as registry, nothing from the machine's own config. */
public final class NpmClient {

    private NpmClient() {
    }

    /**
     * @param ignoreScripts whether npm skips lifecycle scripts (packages under test may declare some)
     */
    static Map<String, String> env(Path home, RunningAirlock airlock, boolean ignoreScripts) throws Exception {
        return env(home, airlock.uri("/npm/").toString(), ignoreScripts);
    }

    /** The same, with any registry URL (a fixture or replay upstream, an Airlock started elsewhere). */
    public static Map<String, String> env(Path home, String registry, boolean ignoreScripts) throws Exception {
        Files.createDirectories(home);
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        // Only loopback: the user and global npmrc are replaced, so npm knows no other registry.
        env.put("npm_config_userconfig", home.resolve(".npmrc").toString());
        env.put("npm_config_globalconfig", home.resolve("global-npmrc").toString());
        env.put("npm_config_cache", home.resolve("npm-cache").toString());
        env.put("npm_config_update_notifier", "false");
        env.put("npm_config_audit", "false");
        env.put("npm_config_fund", "false");
        env.put("npm_config_fetch_retries", "0");
        if (ignoreScripts) {
            env.put("npm_config_ignore_scripts", "true");
        }
        env.put("NO_UPDATE_NOTIFIER", "1");
        env.put("npm_config_registry", registry);
        return env;
    }
}
