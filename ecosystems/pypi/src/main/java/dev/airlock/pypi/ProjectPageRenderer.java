package dev.airlock.pypi;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.airlock.core.ecosystem.Digest;
import dev.airlock.core.ecosystem.FileFacts;
import dev.airlock.core.ecosystem.ReleaseInfo;
import dev.airlock.core.ecosystem.RenderContext;
import dev.airlock.core.ecosystem.Rendered;
import dev.airlock.pypi.ProjectPage.FileEntry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Renders a parsed {@link ProjectPage} for a client, in the form it asked for (PEP 691 JSON or
 * PEP 503 HTML): only the files the policy lets it see, their URLs on Airlock, what upstream left
 * out filled in from what Airlock knows (PEP 700 size and upload time, PEP 658 core metadata),
 * and every value escaped again.
 */
final class ProjectPageRenderer {

    private static final DateTimeFormatter UPLOAD_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final ProjectPage page;

    ProjectPageRenderer(ProjectPage page) {
        this.page = page;
    }

    Rendered render(RenderContext context) {
        List<FileEntry> visible = new ArrayList<>();
        for (FileEntry f : page.entries()) {
            if (context.visible().test(f.version()) && context.files().test(f.filename())) {
                visible.add(withFacts(f, context.factsOf(f.filename())));
            }
        }
        String filesUrl = context.mountUrl() + "files/" + page.packageName() + "/";
        return page.format() == SimpleFormat.JSON ? renderJson(visible, filesUrl) : renderHtml(visible, filesUrl);
    }

    /**
     * Fills in what upstream left out from what Airlock knows: the size of a file it holds or has
     * asked about, the time it first saw the file (an upper bound of the upload time: a client's
     * "uploaded before" cut-off can only become stricter), and core metadata it extracted. Core
     * metadata Airlock derived wins over upstream's: it is what Airlock serves for that name.
     */
    private static FileEntry withFacts(FileEntry f, FileFacts facts) {
        if (facts == FileFacts.NONE) {
            return f;
        }
        Long size = f.size() != null ? f.size() : facts.size().isPresent() ? Long.valueOf(facts.size().getAsLong()) : null;
        String uploadTime = f.uploadTime() != null ? f.uploadTime() : facts.firstSeen().map(ProjectPageRenderer::uploadTime).orElse(null);
        Digest derived = facts.derived().get(f.filename() + ProjectPage.METADATA_SUFFIX);
        String cm = derived != null ? derived.hex() : f.coreMetadataSha256();
        return new FileEntry(f.filename(), f.version(), f.url(), f.sha256(), f.requiresPython(), f.yanked(), cm,
                f.coreMetadata() || derived != null, size, uploadTime, f.provenance());
    }

    /** PEP 700's spelling: UTC with exactly six fractional digits. */
    static String uploadTime(Instant t) {
        return UPLOAD_TIME.format(t.truncatedTo(ChronoUnit.MICROS));
    }

    private Rendered renderJson(List<FileEntry> visible, String filesUrl) {
        boolean sizes = visible.stream().allMatch(f -> f.size() != null);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + visible.size() * 400);
        try (JsonGenerator g = ProjectPage.JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("meta");
            // PEP 700 (1.1) makes size mandatory: claim it only when every size is known.
            g.writeStringField("api-version", sizes ? "1.1" : "1.0");
            g.writeEndObject();
            g.writeStringField("name", page.displayName());
            if (page.projectStatus() != null) {
                g.writeObjectFieldStart("project-status");
                g.writeStringField("status", page.projectStatus());
                g.writeEndObject();
            }
            if (sizes) {
                g.writeArrayFieldStart("versions");
                Set<String> withFiles = new HashSet<>();
                visible.forEach(f -> withFiles.add(f.version()));
                Set<String> seen = new LinkedHashSet<>();
                for (ReleaseInfo r : page.releases()) {
                    if (withFiles.contains(r.version()) && seen.add(r.version())) {
                        g.writeString(r.version());
                    }
                }
                g.writeEndArray();
            }
            g.writeArrayFieldStart("files");
            for (FileEntry f : visible) {
                g.writeStartObject();
                g.writeStringField("filename", f.filename());
                g.writeStringField("url", filesUrl + f.filename());
                g.writeObjectFieldStart("hashes");
                g.writeStringField("sha256", f.sha256());
                g.writeEndObject();
                if (f.requiresPython() != null) {
                    g.writeStringField("requires-python", f.requiresPython());
                }
                if (f.coreMetadataSha256() != null) {
                    for (String key : new String[]{"core-metadata", "dist-info-metadata"}) {
                        g.writeObjectFieldStart(key);
                        g.writeStringField("sha256", f.coreMetadataSha256());
                        g.writeEndObject();
                    }
                }
                if (f.yanked() == null) {
                    g.writeBooleanField("yanked", false);
                } else if (f.yanked().isEmpty()) {
                    g.writeBooleanField("yanked", true);
                } else {
                    g.writeStringField("yanked", f.yanked());
                }
                if (f.size() != null) {
                    g.writeNumberField("size", f.size());
                }
                if (f.uploadTime() != null) {
                    g.writeStringField("upload-time", f.uploadTime());
                }
                if (f.provenance() != null) {
                    g.writeStringField("provenance", provenanceUrl(filesUrl, f));
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Rendered(out.toByteArray(), SimpleFormat.JSON.contentType);
    }

    /** PEP 740 provenance, served by Airlock at {@code <mount>integrity/<project>/<version>/<file>/provenance}. */
    private String provenanceUrl(String filesUrl, FileEntry f) {
        String mount = filesUrl.substring(0, filesUrl.length() - ("files/" + page.packageName() + "/").length());
        return mount + "integrity/" + page.packageName() + "/" + f.version() + "/" + f.filename() + "/provenance";
    }

    private Rendered renderHtml(List<FileEntry> visible, String filesUrl) {
        StringBuilder sb = new StringBuilder(256 + visible.size() * 200);
        sb.append("<!DOCTYPE html>\n<html>\n<head>\n<meta name=\"pypi:repository-version\" content=\"1.0\">\n");
        if (page.projectStatus() != null) {
            sb.append("<meta name=\"pypi:project-status\" content=\"").append(SimpleHtml.escape(page.projectStatus())).append("\">\n");
        }
        sb.append("<title>Links for ").append(SimpleHtml.escape(page.displayName())).append("</title>\n</head>\n<body>\n<h1>Links for ")
                .append(SimpleHtml.escape(page.displayName())).append("</h1>\n");
        for (FileEntry f : visible) {
            sb.append("<a href=\"").append(SimpleHtml.escape(filesUrl + f.filename())).append("#sha256=").append(f.sha256()).append('"');
            if (f.requiresPython() != null) {
                sb.append(" data-requires-python=\"").append(SimpleHtml.escape(f.requiresPython())).append('"');
            }
            if (f.yanked() != null) {
                sb.append(" data-yanked=\"").append(SimpleHtml.escape(f.yanked())).append('"');
            }
            if (f.provenance() != null) {
                sb.append(" data-provenance=\"").append(SimpleHtml.escape(provenanceUrl(filesUrl, f))).append('"');
            }
            if (f.coreMetadataSha256() != null) {
                sb.append(" data-core-metadata=\"sha256=").append(f.coreMetadataSha256()).append('"');
                sb.append(" data-dist-info-metadata=\"sha256=").append(f.coreMetadataSha256()).append('"');
            }
            sb.append('>').append(SimpleHtml.escape(f.filename())).append("</a><br/>\n");
        }
        sb.append("</body>\n</html>\n");
        return new Rendered(sb.toString().getBytes(StandardCharsets.UTF_8), page.format().contentType);
    }
}
