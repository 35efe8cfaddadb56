package dev.airlock.maven;

import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.PrefetchOutcome;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.resolution.ArtifactDescriptorException;
import org.eclipse.aether.resolution.VersionRangeResolutionException;
import org.eclipse.aether.transfer.AbstractTransferListener;
import org.eclipse.aether.transfer.TransferEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the resolver downloaded and what it could not, one outcome per file (the first one
 * seen), reported in that order once resolution is over. Transfer events come from the
 * resolver's download threads.
 */
final class PomPrefetchOutcomes extends AbstractTransferListener {
    private final Map<String, PrefetchOutcome> byKey = new LinkedHashMap<>();

    @Override
    public void transferSucceeded(TransferEvent event) {
        LockedArtifact a = reported(event);
        if (a != null) {
            put(a.artifactPath(), PrefetchOutcome.cached(a));
        }
    }

    @Override
    public void transferFailed(TransferEvent event) {
        LockedArtifact a = reported(event);
        int status = PomPrefetch.status(event.getException());
        if (a != null && status != 0) {
            put(a.artifactPath(), PrefetchOutcome.refused(a, status, PomPrefetch.abbreviate(String.valueOf(event.getException().getMessage()))));
        }
    }

    private static LockedArtifact reported(TransferEvent event) {
        if (event.getRequestType() != TransferEvent.RequestType.GET) {
            return null;
        }
        String path = event.getResource().getResourceName();
        String ext = path.substring(path.lastIndexOf('.') + 1);
        return PomPrefetch.NOT_REPORTED.contains(ext) ? null : PomPrefetch.artifact(path);
    }

    /** A failure the resolver reported when it gave up on an artifact (kept unless its file was reported already). */
    void exception(Exception e, LockedArtifact fallback) {
        LockedArtifact a = fallback;
        if (e instanceof ArtifactDescriptorException d && d.getResult() != null && d.getResult().getRequest() != null) {
            Artifact pom = d.getResult().getRequest().getArtifact();
            a = PomPrefetch.artifact(new DefaultArtifact(pom.getGroupId(), pom.getArtifactId(), "", "pom", pom.getVersion()));
        } else if (e instanceof VersionRangeResolutionException v && v.getResult() != null && v.getResult().getRequest() != null) {
            a = PomPrefetch.artifact(v.getResult().getRequest().getArtifact());
        }
        int status = PomPrefetch.status(e);
        String message = PomPrefetch.abbreviate(String.valueOf(e.getMessage()));
        if (status != 0 && a.artifactPath() != null) {
            put(a.artifactPath(), PrefetchOutcome.refused(a, status, message));
        } else if (a.artifactPath() != null) {
            put(a.artifactPath(), PrefetchOutcome.failed(a, message));
        } else {
            put(a.name() + "@" + a.version() + " " + message, PrefetchOutcome.failed(a, message));
        }
    }

    void failed(LockedArtifact project, String message) {
        put(project.name() + "@" + project.version(), PrefetchOutcome.failed(project, message));
    }

    synchronized boolean anyRefusedOrFailed() {
        return byKey.values().stream().anyMatch(o -> !o.isCached());
    }

    private synchronized void put(String key, PrefetchOutcome o) {
        byKey.putIfAbsent(key, o);
    }

    void flush(Consumer<PrefetchOutcome> report) {
        List<PrefetchOutcome> all;
        synchronized (this) {
            all = new ArrayList<>(byKey.values());
            byKey.clear();
        }
        all.forEach(report);
    }
}
