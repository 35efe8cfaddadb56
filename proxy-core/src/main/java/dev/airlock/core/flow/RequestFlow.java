package dev.airlock.core.flow;

import dev.airlock.core.ecosystem.FileRequest;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.Request;
import dev.airlock.core.ecosystem.Route;
import dev.airlock.core.metrics.AirlockMetrics;
import dev.airlock.core.policy.PolicyService;
import dev.airlock.core.policy.Access;
import dev.airlock.core.policy.Block;
import dev.airlock.core.proxy.ArtifactService;
import dev.airlock.core.proxy.CacheStatus;
import dev.airlock.core.proxy.EcosystemRuntime;
import dev.airlock.core.proxy.MetadataEntry;
import dev.airlock.core.proxy.MetadataService;
import dev.airlock.core.proxy.ProxyException;
import dev.airlock.core.upstream.UpstreamException;
import dev.airlock.core.upstream.UpstreamKind;
import dev.airlock.core.upstream.UpstreamResponse;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * One routed package request, from route to {@link Reply}: load (metadata or file, from cache or
 * upstream), decide (the policy, once), reply. No Netty here; the server calls {@link #peek} on
 * its event loop and, when that cannot answer without blocking, {@link #load} on a worker.
 *
 * <p>Order of a file request: what memory already knows may refuse it at once (a release held
 * in memory is never downloaded again); otherwise the file is loaded, which inspects a first
 * download from its temporary copy and records what it contains, and only then is the policy
 * asked, once, with the file's readings in. So nothing is served that was not inspected.
 */
public final class RequestFlow {

    /** Pass-through answers (keys, search, audit) larger than this are refused. */
    static final long MAX_PASSTHROUGH_BYTES = 16L * 1024 * 1024;
    private static final String CHECKSUM_TYPE = "text/plain; charset=us-ascii";

    private final MetadataService metadata;
    private final ArtifactService artifacts;
    private final PolicyService policy;
    private final AirlockMetrics metrics;
    private final Executor parallel;

    /**
     * @param parallel runs the loads a request makes that do not wait on each other; bounded, and it
     *                 must run a task on the caller rather than queue it when full
     */
    public RequestFlow(MetadataService metadata, ArtifactService artifacts, PolicyService policy, AirlockMetrics metrics,
                       Executor parallel) {
        this.parallel = parallel;
        this.metadata = metadata;
        this.artifacts = artifacts;
        this.policy = policy;
        this.metrics = metrics;
    }

    /**
     * The reply when memory alone can give it (a fresh rendering, a cached file the policy
     * already allows or refuses), else null: then call {@link #load} on a worker. Never blocks.
     *
     * @param mountUrl where this ecosystem is mounted as the client sees it (for rewritten links)
     * @param token    the client's token name, or null (demand is counted per token)
     */
    public Reply peek(EcosystemRuntime eco, Route route, Request request, String mountUrl, String token) {
        if (route instanceof Route.Reject r) {
            return new Reply.Error(r.status(), r.message());
        } else if (route instanceof Route.Redirect r) {
            return new Reply.Redirect(r.location());
        } else if (route instanceof Route.Metadata m) {
            MetadataEntry fresh = metadata.peekFresh(eco, m.request());
            MetadataEntry.Document doc = fresh == null ? null : metadata.peekRendering(fresh, mountUrl);
            if (doc != null) {
                metrics.cache(eco.id(), "metadata", "hit");
                return new Reply.Document(doc, CacheStatus.HIT);
            }
        } else if (route instanceof Route.Artifact a) {
            ArtifactService.Served hit = artifacts.peek(eco, a);
            if (hit != null) {
                return peekFile(eco, a.metadata().packageName(), hit.record().version(),
                        policy.peek(eco.id(), a.metadata().packageName(), hit.record().version(), a.filename()), hit, Map.of(), token);
            }
        } else if (route instanceof Route.File f) {
            ArtifactService.Served hit = artifacts.peekFile(eco, f.request());
            if (hit != null) {
                return peekFile(eco, f.request().packageName(), f.request().version(),
                        policy.peek(eco.id(), f.request().packageName(), f.request().version()), hit, digestHeaders(f.request(), hit), token);
            }
        }
        return null;
    }

    private Reply peekFile(EcosystemRuntime eco, String pkg, String version, Access access, ArtifactService.Served hit,
                           Map<String, String> digests, String token) {
        if (access instanceof Access.Blocked b) {
            policy.demand().asked(eco.id(), pkg, version, token, false);
            return new Reply.Blocked(b.block());
        }
        if (access instanceof Access.Allowed) {
            policy.demand().asked(eco.id(), pkg, version, token, true);
            metrics.cache(eco.id(), "artifact", "hit");
            return new Reply.Blob(hit, digests);
        }
        return null;
    }

    /**
     * The reply, loading what it needs (blocking: call on a worker).
     *
     * @throws ProxyException with the status and reason the client is told
     */
    public Reply load(EcosystemRuntime eco, Route route, Request request, String mountUrl, String token) throws ProxyException {
        if (route instanceof Route.Metadata m) {
            MetadataEntry.Loaded loaded = metadata.load(eco, m.request());
            PackageMetadata md = loaded.entry().metadata();
            MetadataEntry.Document d = metadata.rendering(eco, m.request(), loaded.entry(), mountUrl, () -> policy.view(eco.id(), md));
            return new Reply.Document(d, loaded.status());
        } else if (route instanceof Route.Artifact a) {
            String pkg = a.metadata().packageName();
            ArtifactService.Served served = artifacts.load(eco, a);
            PackageMetadata governing = metadata.loadForFiles(eco, a.metadata()).entry().metadata();
            return decided(eco, pkg, served.record().version(), token, served, Map.of(),
                    policy.check(eco.id(), pkg, served.record().version(), a.filename(), governing));
        } else if (route instanceof Route.File f) {
            FileRequest file = f.request();
            // Refused in memory already: not downloaded again. Nothing in memory: what the store and
            // the rules that need no document say first (a denied name is never downloaded).
            Access known = policy.peek(eco.id(), file.packageName(), file.version());
            if (known instanceof Access.Blocked b) {
                policy.demand().asked(eco.id(), file.packageName(), file.version(), token, false);
                return new Reply.Blocked(b.block());
            }
            if (known instanceof Access.Unknown) {
                Optional<Block> early = policy.check(eco.id(), file.packageName(), file.version(), null);
                if (early.isPresent()) {
                    policy.demand().asked(eco.id(), file.packageName(), file.version(), token, false);
                    return new Reply.Blocked(early.get());
                }
            }
            // The document the release is decided from (maven-metadata.xml) and the file itself are
            // fetched at the same time: the decision needs both, and neither waits on the other.
            // A file upstream said it lacks is answered from memory first: no document is asked for it.
            CompletableFuture<PackageMetadata> governing = file.governing() == null || artifacts.rememberedMissing(eco, file)
                    ? CompletableFuture.completedFuture(null) : CompletableFuture.supplyAsync(() -> governing(eco, file), parallel);
            ArtifactService.Served served = artifacts.loadFile(eco, file);
            return decided(eco, file.packageName(), file.version(), token, served, digestHeaders(file, served),
                    policy.check(eco.id(), file.packageName(), file.version(), joined(governing)));
        } else if (route instanceof Route.FileDigest d) {
            String hex = artifacts.fileDigest(eco, d.file(), d.algorithm());
            Optional<Block> block = policy.check(eco.id(), d.file().packageName(), d.file().version(), governing(eco, d.file()));
            return block.<Reply>map(Reply.Blocked::new)
                    .orElseGet(() -> new Reply.Bytes(200, CHECKSUM_TYPE, hex.getBytes(StandardCharsets.US_ASCII), null));
        } else if (route instanceof Route.MetadataDigest d) {
            MetadataEntry.Loaded loaded = metadata.load(eco, d.request());
            PackageMetadata md = loaded.entry().metadata();
            MetadataEntry.Document doc = metadata.rendering(eco, d.request(), loaded.entry(), mountUrl, () -> policy.view(eco.id(), md));
            return new Reply.Bytes(200, CHECKSUM_TYPE, doc.digest(d.algorithm()).getBytes(StandardCharsets.US_ASCII), loaded.status());
        } else if (route instanceof Route.Passthrough p) {
            return passthrough(eco, p, request);
        }
        Reply quick = peek(eco, route, request, mountUrl, token);
        return quick != null ? quick : new Reply.Error(500, "no way to answer " + route.getClass().getSimpleName());
    }

    private Reply decided(EcosystemRuntime eco, String pkg, String version, String token, ArtifactService.Served served,
                          Map<String, String> digests, Optional<Block> block) {
        policy.demand().asked(eco.id(), pkg, version, token, block.isEmpty());
        return block.<Reply>map(Reply.Blocked::new).orElseGet(() -> new Reply.Blob(served, digests));
    }

    private static PackageMetadata joined(CompletableFuture<PackageMetadata> governing) throws ProxyException {
        try {
            return governing.join();
        } catch (CompletionException e) {
            throw new ProxyException(500, "cannot read the document a file's release is decided from", e.getCause());
        }
    }

    /** The document a file's release is decided from, when it has one and upstream serves it. */
    private PackageMetadata governing(EcosystemRuntime eco, FileRequest f) {
        if (f.governing() == null) {
            return null;
        }
        try {
            return metadata.load(eco, f.governing()).entry().metadata();
        } catch (ProxyException e) {
            return null; // many artifacts have no maven-metadata.xml: what is stored decides
        }
    }

    /** The digest headers a file route asks to send ({@code X-Checksum-SHA1} and the like), from the record. */
    private static Map<String, String> digestHeaders(FileRequest request, ArtifactService.Served served) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.served().forEach((header, alg) -> served.record().digest(alg).ifPresent(hex -> headers.put(header, hex)));
        return headers;
    }

    /** Relays a request the ecosystem passes through (search, audit) and upstream's answer, bounded. */
    private Reply passthrough(EcosystemRuntime eco, Route.Passthrough p, Request request) throws ProxyException {
        eco.requireUpstream();
        Map<String, String> headers = new HashMap<>();
        for (String h : p.headers()) {
            String v = request.header(h);
            if (v != null) {
                headers.put(h, v);
            }
        }
        headers.put("accept-encoding", "gzip");
        String method = request.method().equals("HEAD") ? "GET" : request.method();
        URI target;
        try {
            target = eco.upstream().resolve(p.upstreamPath());
        } catch (IllegalArgumentException e) {
            throw new ProxyException(400, "invalid characters in the request's path or query");
        }
        try (UpstreamResponse resp = eco.upstream().send(UpstreamKind.PASSTHROUGH, method, target, headers, request.body().length == 0 ? null : request.body())) {
            byte[] body = resp.readBody(MAX_PASSTHROUGH_BYTES);
            String type = resp.header("content-type");
            return new Reply.Bytes(resp.status() >= 500 ? 502 : resp.status(), type == null ? "application/octet-stream" : type, body, null);
        } catch (UpstreamException e) {
            throw new ProxyException(e.kind().status, e.getMessage(), e);
        }
    }
}
