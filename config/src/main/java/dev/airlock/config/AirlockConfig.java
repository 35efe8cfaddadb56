package dev.airlock.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The whole validated configuration of one Airlock process, immutable. Obtain it from
 * {@link ConfigLoader}; the {@code with…} methods apply command-line flags over it.
 *
 * @param server    the HTTP listener
 * @param storage   where data is kept
 * @param offline   serve only what is cached, never contact an upstream
 * @param upstreams upstream settings by ecosystem id ({@code npm}, {@code pypi}, {@code maven}, …),
 *                  unmodifiable, in the order configured
 * @param cache     metadata caching
 * @param airgap    export/import to an air-gapped mirror
 * @param policy    the rules releases must pass
 * @param notifications who is told about releases held, denied, released and rejected
 * @param limits    what hostile input may cost at most
 */
public record AirlockConfig(ServerConfig server, StorageConfig storage, boolean offline,
        Map<String, UpstreamConfig> upstreams, CacheConfig cache, AirgapConfig airgap, PolicyConfig policy,
        NotificationsConfig notifications, LimitsConfig limits) {

    /** A configuration with the default limits. */
    public AirlockConfig(ServerConfig server, StorageConfig storage, boolean offline, Map<String, UpstreamConfig> upstreams,
                         CacheConfig cache, AirgapConfig airgap, PolicyConfig policy, NotificationsConfig notifications) {
        this(server, storage, offline, upstreams, cache, airgap, policy, notifications, LimitsConfig.DEFAULTS);
    }

    public AirlockConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(storage, "storage");
        Map<String, UpstreamConfig> copy = new LinkedHashMap<>();
        upstreams.forEach((id, upstream) -> copy.put(Checks.ecosystemId(id), Objects.requireNonNull(upstream, id)));
        upstreams = Collections.unmodifiableMap(copy);
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(airgap, "airgap");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(notifications, "notifications");
        Objects.requireNonNull(limits, "limits");
    }

    /** A configuration without notifications. */
    public AirlockConfig(ServerConfig server, StorageConfig storage, boolean offline,
            Map<String, UpstreamConfig> upstreams, CacheConfig cache, AirgapConfig airgap, PolicyConfig policy) {
        this(server, storage, offline, upstreams, cache, airgap, policy, NotificationsConfig.none());
    }

    public AirlockConfig withHost(String host) {
        return withServer(new ServerConfig(host, server.port(), server.publicUrl(), server.workerThreads(),
                server.maxRequestBodyBytes(), server.idleTimeout(), server.maxInitialLineLength(), server.maxHeaderSize(),
                server.accessLog(), server.requireToken(), server.maxConcurrentPerClient(), server.trustedProxies(), server.logFormat()));
    }

    /** This configuration with package routes needing a token (or not). */
    public AirlockConfig withRequireToken(boolean requireToken) {
        return withServer(new ServerConfig(server.host(), server.port(), server.publicUrl(), server.workerThreads(),
                server.maxRequestBodyBytes(), server.idleTimeout(), server.maxInitialLineLength(), server.maxHeaderSize(),
                server.accessLog(), requireToken, server.maxConcurrentPerClient(), server.trustedProxies(), server.logFormat()));
    }

    /** This configuration with {@code server.logFormat} set. */
    public AirlockConfig withLogFormat(ServerConfig.LogFormat format) {
        return withServer(new ServerConfig(server.host(), server.port(), server.publicUrl(), server.workerThreads(),
                server.maxRequestBodyBytes(), server.idleTimeout(), server.maxInitialLineLength(), server.maxHeaderSize(),
                server.accessLog(), server.requireToken(), server.maxConcurrentPerClient(), server.trustedProxies(), format));
    }

    public AirlockConfig withPort(int port) {
        return withServer(new ServerConfig(server.host(), port, server.publicUrl(), server.workerThreads(),
                server.maxRequestBodyBytes(), server.idleTimeout(), server.maxInitialLineLength(), server.maxHeaderSize(),
                server.accessLog(), server.requireToken(), server.maxConcurrentPerClient(), server.trustedProxies(), server.logFormat()));
    }

    /** This configuration with {@code server.workerThreads} set. */
    public AirlockConfig withWorkerThreads(int workerThreads) {
        return withServer(new ServerConfig(server.host(), server.port(), server.publicUrl(), workerThreads,
                server.maxRequestBodyBytes(), server.idleTimeout(), server.maxInitialLineLength(), server.maxHeaderSize(),
                server.accessLog(), server.requireToken(), server.maxConcurrentPerClient(), server.trustedProxies(), server.logFormat()));
    }

    /** This configuration with other limits. */
    public AirlockConfig withLimits(LimitsConfig limits) {
        return new AirlockConfig(server, storage, offline, upstreams, cache, airgap, policy, notifications, limits);
    }

    public AirlockConfig withStoragePath(Path path) {
        return new AirlockConfig(server, storage.withPath(path), offline, upstreams, cache, airgap, policy, notifications, limits);
    }

    public AirlockConfig withStorage(StorageConfig storage) {
        return new AirlockConfig(server, storage, offline, upstreams, cache, airgap, policy, notifications, limits);
    }

    public AirlockConfig withOffline(boolean offline) {
        return new AirlockConfig(server, storage, offline, upstreams, cache, airgap, policy, notifications, limits);
    }

    /** This configuration with {@code ecosystem}'s upstream added or replaced. */
    public AirlockConfig withUpstream(String ecosystem, UpstreamConfig upstream) {
        Map<String, UpstreamConfig> changed = new LinkedHashMap<>(upstreams);
        changed.put(ecosystem, upstream);
        return new AirlockConfig(server, storage, offline, changed, cache, airgap, policy, notifications, limits);
    }

    public AirlockConfig withPolicy(PolicyConfig policy) {
        return new AirlockConfig(server, storage, offline, upstreams, cache, airgap, policy, notifications, limits);
    }

    public AirlockConfig withCache(CacheConfig cache) {
        return new AirlockConfig(server, storage, offline, upstreams, cache, airgap, policy, notifications, limits);
    }

    public AirlockConfig withNotifications(NotificationsConfig notifications) {
        return new AirlockConfig(server, storage, offline, upstreams, cache, airgap, policy, notifications, limits);
    }

    /** The upstream configured for {@code ecosystemId}, or {@link UpstreamConfig#empty()} if there is none. */
    public UpstreamConfig upstream(String ecosystemId) {
        return upstreams.getOrDefault(ecosystemId, UpstreamConfig.empty());
    }

    private AirlockConfig withServer(ServerConfig server) {
        return new AirlockConfig(server, storage, offline, upstreams, cache, airgap, policy, notifications, limits);
    }
}
