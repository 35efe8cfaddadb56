package dev.airlock.core.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.admin.AdminRequest;
import dev.airlock.core.admin.AdminResponse;
import dev.airlock.core.admin.Console;
import dev.airlock.core.admin.Principal;
import dev.airlock.core.admin.Tokens;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.Request;
import dev.airlock.core.ecosystem.Route;
import dev.airlock.core.flow.Reply;
import dev.airlock.core.flow.RequestFlow;
import dev.airlock.core.policy.Block;
import dev.airlock.core.proxy.ArtifactService;
import dev.airlock.core.proxy.CacheStatus;
import dev.airlock.core.proxy.EcosystemRuntime;
import dev.airlock.core.proxy.MetadataEntry;
import dev.airlock.core.proxy.Parking;
import dev.airlock.core.proxy.ProxyException;
import dev.airlock.core.store.BlobStoreUnavailableException;
import dev.airlock.core.store.StateStoreException;
import dev.airlock.core.upstream.UpstreamException;
import dev.airlock.core.upstream.UpstreamTrace;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Answers one request at a time per connection. Warm answers (fresh metadata already rendered,
 * artifacts whose index record is in memory) are written straight from the event loop; everything
 * that blocks is handed to the worker pool and its answer written back on the channel's loop.
 *
 * <p>Errors reach clients as JSON {@code {"error": "..."}} (npm shows that field) with the right
 * status; a stack trace is logged, never sent.
 *
 * <p>About 700 lines, because a connection's state (the pipelined requests waiting, the exchange
 * being answered, the access-log line, the back-pressure of a streamed blob) is shared by every
 * way of answering; what a route answers is decided in {@code flow.RequestFlow}, and the HTTP
 * rules that need no connection state are in {@link HttpRules}.
 */
final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final System.Logger LOG = System.getLogger("airlock.server");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json; charset=utf-8";

    private final Router router;
    private final Services services;
    private final AccessLog accessLog;
    /** This connection's guard, or null when idle timeouts are off. */
    private final ConnectionGuard guard;
    /** The client's address as logged; computed once per connection. */
    private String remote;
    /**
     * Pipelined requests wait here while an earlier one is answered, so that answers leave in
     * request order (HTTP/1.1 has no other way to match them). Reading pauses when it grows.
     */
    private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
    private static final int MAX_QUEUED = 16;
    private boolean busy;

    private final RequestIds requestIds;

    RequestHandler(Router router, Services services, AccessLog accessLog, ConnectionGuard guard, RequestIds requestIds) {
        this.requestIds = requestIds;
        this.router = router;
        this.services = services;
        this.accessLog = accessLog;
        this.guard = guard;
    }

    /** Per-request bookkeeping for the access log and metrics. */
    private static final class Exchange {
        final long start = System.nanoTime();
        final String method;
        final String uri;
        final boolean head;
        String ecosystem = "-";
        String routeKind = "core";
        CacheStatus cache;
        /** The name of the valid token the request carries, or null: read once, for the token check, the bound and demand. */
        String token;
        /** Who is asking, for the per-client bound: its token's name, else its address. */
        String client = "?";
        /** For a request answered on a worker: how long it waited for one, in ms (-1: answered on the event loop). */
        long queuedMillis = -1;
        /** What it waited for upstream while answered, or null. */
        String upstream;
        /** How long it was parked, its worker given back, while another request fetched what it needs. */
        long parkedMillis;
        /** Sent back in X-Request-Id and written in the access log. */
        String requestId;
        /** What the request was about, where the route says (for JSON access lines). */
        String packageName;
        String version;
        /** approved (a file was served) or the verdict that refused it. */
        String verdict;

        Exchange(FullHttpRequest req) {
            this.method = req.method().name();
            this.uri = req.uri();
            this.head = req.method().equals(HttpMethod.HEAD);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (guard != null) {
            guard.requestReceived();
        }
        if (busy) {
            queued.add(req.retain());
            if (queued.size() >= MAX_QUEUED) {
                ctx.channel().config().setAutoRead(false);
            }
            return;
        }
        busy = true;
        handle(ctx, req);
    }

    /** The client closed its sending side: no request follows the ones received. */
    private boolean inputShutdown;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            if (!busy && queued.isEmpty()) {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /** The previous answer has been handed to the channel: start on the next queued request. */
    private void next(ChannelHandlerContext ctx) {
        busy = false;
        FullHttpRequest req = queued.poll();
        if (req == null) {
            if (guard != null) {
                guard.responseQueued();
            }
            if (inputShutdown) {
                // The last answer is queued: close once it is written.
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.channel().config().setAutoRead(true);
            return;
        }
        busy = true;
        try {
            handle(ctx, req);
        } finally {
            req.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        FullHttpRequest req;
        while ((req = queued.poll()) != null) {
            req.release();
        }
        super.channelInactive(ctx);
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        Exchange ex = new Exchange(req);
        ex.requestId = requestIds.idFor(req.headers().get(RequestIds.HEADER));
        ctx.channel().attr(RequestIds.CURRENT).set(ex.requestId);
        DecoderResult dr = req.decoderResult();
        if (dr.isFailure()) {
            Throwable cause = dr.cause();
            int status = cause instanceof TooLongHttpLineException ? 414
                    : cause instanceof TooLongHttpHeaderException ? 431
                    : cause instanceof TooLongFrameException ? 413 : 400;
            sendError(ctx, ex, false, status, "malformed request: " + HttpResponseStatus.valueOf(status).reasonPhrase(), true);
            return;
        }
        String malformed = HttpRules.conformance(req);
        if (malformed != null) {
            boolean unsupported = malformed.startsWith("HTTP/");
            sendError(ctx, ex, false, unsupported ? 505 : 400, malformed, true);
            return;
        }
        ex.token = tokenName(req.headers().get(HttpHeaderNames.AUTHORIZATION));
        ex.client = ex.token != null ? "token " + ex.token : address(ctx, req);
        String via = req.headers().get(HttpHeaderNames.VIA);
        if (via != null && via.contains(services.viaToken())) {
            sendError(ctx, ex, ex.head, 508, "request loop: this request already passed through Airlock (Via: " + via + ")", false);
            return;
        }
        String uri = req.uri();
        int q = uri.indexOf('?');
        String rawPath = q < 0 ? uri : uri.substring(0, q);
        String query = q < 0 ? null : uri.substring(q + 1);
        String path = PathGuard.decode(rawPath);
        if (path == null) {
            sendError(ctx, ex, ex.head, 400, "invalid request path", false);
            return;
        }
        // The headers object outlives the request's (released) content and is never changed: safe to read later.
        HttpHeaders nettyHeaders = req.headers();
        byte[] body = new byte[req.content().readableBytes()];
        req.content().getBytes(req.content().readerIndex(), body);
        Request request = new Request(req.method().name(), path, query, nettyHeaders::get, body);

        Router.Target target = router.route(request);
        if (target instanceof Router.Target.Health) {
            offload(ctx, ex, services.admin(), () -> health(ctx, ex));
        } else if (target instanceof Router.Target.Liveness) {
            sendJson(ctx, ex, 200, "{\"status\":\"UP\"}");
        } else if (target instanceof Router.Target.Metrics) {
            offload(ctx, ex, services.admin(), () -> {
                byte[] text = services.metrics().scrape().getBytes(StandardCharsets.UTF_8);
                return () -> sendBytes(ctx, ex, 200, "text/plain; version=0.0.4; charset=utf-8", text);
            });
        } else if (target instanceof Router.Target.Admin a) {
            ex.routeKind = "admin";
            if (services.adminApi() == null) {
                sendError(ctx, ex, ex.head, 404, "the admin API is not enabled", false);
                return;
            }
            AdminRequest ar = new AdminRequest(request.method(), a.path(), queryMap(query),
                    request.header("authorization"), body);
            offload(ctx, ex, services.admin(), () -> {
                AdminResponse r = services.adminApi().handle(ar);
                return () -> sendAdmin(ctx, ex, r);
            });
        } else if (target instanceof Router.Target.Console c) {
            ex.routeKind = "console";
            if (c.path() == null) {
                FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.MOVED_PERMANENTLY);
                res.headers().set(HttpHeaderNames.LOCATION, "/-/console/").set(HttpHeaderNames.CONTENT_LENGTH, 0);
                write(ctx, ex, res, 301, 0);
                return;
            }
            sendAdmin(ctx, ex, Console.serve(c.path()));
        } else if (target instanceof Router.Target.NotFound nf) {
            sendError(ctx, ex, ex.head, 404, nf.message(), false);
        } else if (target instanceof Router.Target.Ecosystem e) {
            if (router.requireToken() && ex.token == null) {
                ex.ecosystem = e.runtime().id();
                sendUnauthorized(ctx, ex);
                return;
            }
            dispatch(ctx, ex, e.runtime(), e.route(), e.request());
        }
    }

    /** A routed package request: the flow answers; this only turns its reply into HTTP. */
    private void dispatch(ChannelHandlerContext ctx, Exchange ex, EcosystemRuntime eco, Route route, Request request) {
        ex.ecosystem = eco.id();
        ex.routeKind = kind(route);
        if (route instanceof Route.Metadata m) {
            ex.packageName = m.request().packageName();
        } else if (route instanceof Route.Artifact a) {
            ex.packageName = a.metadata().packageName();
        } else if (route instanceof Route.File f) {
            ex.packageName = f.request().packageName();
            ex.version = f.request().version();
        }
        String mountUrl = router.mountUrl(eco, request.header("host"));
        RequestFlow flow = services.flow();
        Reply quick = flow.peek(eco, route, request, mountUrl, ex.token);
        if (quick != null && send(ctx, ex, request, quick)) {
            return;
        }
        offload(ctx, ex, () -> {
            Reply reply = flow.load(eco, route, request, mountUrl, ex.token);
            return () -> {
                if (!send(ctx, ex, request, reply)) {
                    sendError(ctx, ex, ex.head, 500, "the cached file for " + request.path() + " disappeared; retry", false);
                }
            };
        });
    }

    private static String kind(Route route) {
        if (route instanceof Route.Metadata) {
            return "metadata";
        } else if (route instanceof Route.Artifact || route instanceof Route.File) {
            return "artifact";
        } else if (route instanceof Route.FileDigest || route instanceof Route.MetadataDigest) {
            return "checksum";
        } else if (route instanceof Route.Passthrough) {
            return "passthrough";
        } else if (route instanceof Route.Redirect) {
            return "redirect";
        }
        return "reject";
    }

    /** Writes a reply; false when it names a cached file that vanished (the caller loads again). */
    private boolean send(ChannelHandlerContext ctx, Exchange ex, Request request, Reply reply) {
        if (reply instanceof Reply.Document d) {
            ex.cache = d.cache();
            sendDocument(ctx, ex, request, d.document());
        } else if (reply instanceof Reply.Blob b) {
            return sendFile(ctx, ex, request, b.served(), b.digestHeaders());
        } else if (reply instanceof Reply.Blocked b) {
            sendBlocked(ctx, ex, b.block());
        } else if (reply instanceof Reply.Bytes b) {
            if (b.cache() != null) {
                ex.cache = b.cache();
            }
            sendBytes(ctx, ex, b.status(), b.contentType(), b.body());
        } else if (reply instanceof Reply.Redirect r) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.MOVED_PERMANENTLY);
            res.headers().set(HttpHeaderNames.LOCATION, r.location()).set(HttpHeaderNames.CONTENT_LENGTH, 0);
            write(ctx, ex, res, 301, 0);
        } else if (reply instanceof Reply.Error e) {
            sendError(ctx, ex, ex.head, e.status(), e.message(), false);
        }
        return true;
    }



    private Runnable health(ChannelHandlerContext ctx, Exchange ex) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode checks = root.putObject("checks");
        boolean up = true;
        try {
            services.state().ping();
            checks.putObject("stateStore").put("status", "UP");
        } catch (RuntimeException e) {
            up = false;
            checks.putObject("stateStore").put("status", "DOWN").put("error", String.valueOf(e.getMessage()));
        }
        ObjectNode ups = checks.putObject("upstreams");
        for (EcosystemRuntime e : services.ecosystems()) {
            ObjectNode u = ups.putObject(e.id());
            var s = e.upstream().settings();
            u.put("url", s.available() ? e.upstream().describe(s.base()) : null);
            u.put("source", s.source());
            u.put("circuit", e.upstream().breaker().isOpen() ? "open" : "closed");
        }
        root.put("status", up ? "UP" : "DOWN");
        String text = root.toString();
        int status = up ? 200 : 503;
        return () -> sendJson(ctx, ex, status, text);
    }

    /** Blocking work for the worker pool; it returns the write to run back on the event loop. */
    private interface Work {
        Runnable run() throws Exception;
    }

    private void offload(ChannelHandlerContext ctx, Exchange ex, Work work) {
        offload(ctx, ex, services.workers(), work);
    }

    /**
     * The address a request without a token counts against: the peer's, or for a request through
     * a proxy in {@code server.trustedProxies}, the last address its {@code X-Forwarded-For} lists.
     */
    private String address(ChannelHandlerContext ctx, FullHttpRequest req) {
        String address = ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
        String forwarded = req.headers().get("X-Forwarded-For");
        if (forwarded != null && router.trustedProxy(address)) {
            String[] hops = forwarded.split(",");
            String last = hops[hops.length - 1].strip();
            if (!last.isEmpty() && last.length() <= 64) {
                return last;
            }
        }
        return address;
    }

    private void offload(ChannelHandlerContext ctx, Exchange ex, Executor pool, Work work) {
        ClientLimits limits = router.clientLimits();
        if (!limits.acquire(ex.client)) {
            services.metrics().event("client_over_limit", ex.ecosystem);
            sendError(ctx, ex, ex.head, 429, "too many requests in work from this client (server.maxConcurrentPerClient); "
                    + "retry when some have finished", false);
            return;
        }
        new Attempt(ctx, ex, pool, work, limits).submit();
    }

    /**
     * One request's work on a worker. When it parks (it asked for a file or document another
     * request is already fetching), the worker is given back and the work submitted again once
     * that fetch is done; its upstream trace and the time it spent queued carry over.
     */
    private final class Attempt implements Runnable {
        private final ChannelHandlerContext ctx;
        private final Exchange ex;
        private final Executor pool;
        private final Work work;
        private final ClientLimits limits;
        /**
         * Package requests only: admin work writes before it reads (a release records its decision,
         * then shows the package), and a parked request runs again from the start.
         */
        private final Parking parking;
        private final UpstreamTrace trace = UpstreamTrace.create();
        private long submitted;
        private long parkedSince;

        Attempt(ChannelHandlerContext ctx, Exchange ex, Executor pool, Work work, ClientLimits limits) {
            this.ctx = ctx;
            this.ex = ex;
            this.pool = pool;
            this.work = work;
            this.limits = limits;
            this.parking = pool == services.workers() ? new Parking() : null;
        }

        void submit() {
            submitted = System.nanoTime();
            try {
                pool.execute(this);
            } catch (RejectedExecutionException e) {
                limits.release(ex.client);
                Runnable overloaded = () -> sendError(ctx, ex, ex.head, 503, "Airlock is overloaded; retry shortly", false);
                if (ctx.executor().inEventLoop()) {
                    overloaded.run();
                } else {
                    ctx.channel().eventLoop().execute(overloaded);
                }
            }
        }

        @Override
        public void run() {
            long now = System.nanoTime();
            long queued = now - submitted;
            services.metrics().workerQueue(pool == services.workers() ? "workers" : "admin", queued);
            ex.queuedMillis = Math.max(ex.queuedMillis, 0) + queued / 1_000_000;
            if (parkedSince != 0) {
                ex.parkedMillis += (submitted - parkedSince) / 1_000_000;
            }
            UpstreamTrace.enter(trace);
            Runnable reply;
            try {
                reply = parking != null ? parking.attempt(work::run) : work.run();
            } catch (Parking.Parked p) {
                // Another request is fetching what this one needs: free the worker until it is done.
                services.metrics().event("request_parked", ex.ecosystem);
                parkedSince = System.nanoTime();
                p.awaited().whenComplete((v, t) -> submit());
                return;
            } catch (ProxyException e) {
                String away = storageAway(e);
                if (away != null) {
                    LOG.log(Level.WARNING, ex.method + " " + HttpRules.escaped(ex.uri) + ": " + away);
                    reply = () -> sendError(ctx, ex, ex.head, 503, away, false);
                } else {
                    if (e.getCause() instanceof UpstreamException || e.getCause() instanceof MetadataException) {
                        // The upstream's fault, already said to the client: one line, no stack trace.
                        LOG.log(Level.WARNING, ex.method + " " + HttpRules.escaped(ex.uri) + ": " + e.getMessage());
                    } else if (e.status() >= 500 && e.getCause() != null) {
                        LOG.log(Level.ERROR, e.getMessage(), e.getCause());
                    }
                    reply = () -> sendError(ctx, ex, ex.head, e.status(), e.getMessage(), false);
                }
            } catch (Throwable t) {
                String away = storageAway(t);
                if (away != null) {
                    LOG.log(Level.WARNING, ex.method + " " + HttpRules.escaped(ex.uri) + ": " + away);
                    reply = () -> sendError(ctx, ex, ex.head, 503, away, false);
                } else {
                    LOG.log(Level.ERROR, "unexpected failure answering " + ex.method + " " + HttpRules.escaped(ex.uri), t);
                    reply = () -> sendError(ctx, ex, ex.head, 500, "internal error; see the Airlock log", false);
                }
            } finally {
                UpstreamTrace.close();
            }
            ex.upstream = trace.isEmpty() ? null : trace.summary();
            limits.release(ex.client);
            ctx.channel().eventLoop().execute(reply);
        }
    }

    /**
     * Why the request cannot be answered now when shared storage is out of reach (a replica's
     * PostgreSQL or S3), else null: nothing new is decided or fetched meanwhile, and the client
     * is told to come back rather than that Airlock failed.
     */
    static String storageAway(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof StateStoreException s && s.unreachable()) {
                return "the state store cannot be reached; nothing new can be decided until it is back (try again shortly)";
            }
            if (c instanceof BlobStoreUnavailableException) {
                return "the blob store cannot be reached and this file is not in this server's local cache (try again shortly)";
            }
        }
        return null;
    }

    private void sendDocument(ChannelHandlerContext ctx, Exchange ex, Request request, MetadataEntry.Document doc) {
        String ae = request.header("accept-encoding");
        boolean gzip = ae != null && HttpRules.acceptsGzip(ae);
        // Each content coding gets its own strong validator (RFC 9110 8.8.3).
        String etag = gzip ? doc.etag().substring(0, doc.etag().length() - 1) + "-gz\"" : doc.etag();
        String inm = request.header("if-none-match");
        if (inm != null && HttpRules.etagMatches(inm, etag)) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
            // Content-Length 0 keeps the connection alive (the keep-alive handler wants a defined length).
            res.headers().set(HttpHeaderNames.ETAG, etag).set(HttpHeaderNames.VARY, "Accept, Accept-Encoding")
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-cache").set(HttpHeaderNames.CONTENT_LENGTH, 0);
            write(ctx, ex, res, 304, 0);
            return;
        }
        // A duplicate of the shared direct buffer: no copy here, none on the way to the socket.
        ByteBuffer body = (gzip ? doc.gzip() : doc.body()).duplicate();
        int length = body.remaining();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                ex.head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, doc.contentType())
                .set(HttpHeaderNames.CONTENT_LENGTH, length)
                .set(HttpHeaderNames.ETAG, etag)
                .set(HttpHeaderNames.VARY, "Accept, Accept-Encoding")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        if (gzip) {
            res.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
        }
        if (ex.cache != null) {
            res.headers().set("X-Airlock-Cache", ex.cache.tag());
        }
        doc.headers().forEach((name, value) -> res.headers().set(name, value));
        write(ctx, ex, res, 200, ex.head ? 0 : length);
    }




    /**
     * One access line as a JSON object with stable field names (server.logFormat: json): time,
     * level, logger, message, request_id, remote, method, uri, status, bytes, duration_ms,
     * ecosystem, route, cache, and where known package, version, verdict, queued_ms, parked_ms,
     * upstream, aborted.
     */
    private CharSequence jsonAccessLine(Exchange ex, boolean written, int status, long bytes, long micros) {
        JsonLine j = new JsonLine(256 + ex.uri.length())
                .field("time", java.time.Instant.now().toString()).field("level", "INFO").field("logger", "airlock.access")
                .field("message", ex.method + " " + ex.uri + " " + status)
                .field("request_id", ex.requestId).field("remote", remote).field("method", ex.method).field("uri", ex.uri)
                .field("status", status).field("bytes", bytes).field("duration_ms", micros / 1000.0)
                .field("ecosystem", ex.ecosystem).field("route", ex.routeKind).field("cache", ex.cache == null ? null : ex.cache.tag())
                .field("package", ex.packageName).field("version", ex.version).field("verdict", ex.verdict);
        if (ex.queuedMillis >= 0) {
            j.field("queued_ms", ex.queuedMillis).field("parked_ms", ex.parkedMillis).field("upstream", ex.upstream);
        }
        if (!written) {
            j.field("aborted", true);
        }
        return j.end();
    }

    /** Sends a blob; false when the file vanished from disk (the caller falls back). */
    private boolean sendFile(ChannelHandlerContext ctx, Exchange ex, Request request, ArtifactService.Served served,
                             Map<String, String> extraHeaders) {
        String etag = "\"" + served.record().sha256() + "\"";
        ex.cache = served.status();
        ex.version = served.record().version();
        ex.verdict = "approved";
        String inm = request.header("if-none-match");
        if (inm != null && HttpRules.etagMatches(inm, etag)) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
            res.headers().set(HttpHeaderNames.ETAG, etag).set(HttpHeaderNames.CONTENT_LENGTH, 0);
            write(ctx, ex, res, 304, 0);
            return true;
        }
        long size = served.record().size();
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, served.record().contentType())
                .set(HttpHeaderNames.CONTENT_LENGTH, size)
                .set(HttpHeaderNames.ETAG, etag)
                .set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=31536000, immutable")
                .set("X-Airlock-Cache", served.status().tag());
        extraHeaders.forEach((name, value) -> res.headers().set(name, value));
        if (ex.head) {
            ctx.write(res);
            finish(ctx, ex, ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), 200, 0);
            return true;
        }
        if (served.bytes() != null) {
            // Small file held in direct memory: headers and body leave in one write.
            ctx.write(res);
            finish(ctx, ex, ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(served.bytes().duplicate()))), 200, size);
            return true;
        }
        if (served.file() == null) {
            // The store keeps no local file: streamed from it by a worker (its reads may block).
            ctx.write(res);
            streamBlob(ctx, ex, served.record().sha256(), size);
            return true;
        }
        FileChannel file;
        try {
            file = FileChannel.open(served.file(), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            LOG.log(Level.ERROR, "cannot open blob " + served.file(), e);
            return false;
        }
        ctx.write(res);
        // Zero-copy: the kernel moves the file to the socket (sendfile); no TLS on this listener.
        ctx.write(new DefaultFileRegion(file, 0, size));
        finish(ctx, ex, ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), 200, size);
        return true;
    }

    /** Bytes per chunk when a blob is streamed from a store without local files. */
    private static final int STREAM_CHUNK = 64 * 1024;

    /**
     * Sends a blob from a store without local files, after its headers. A worker reads it and
     * writes chunk by chunk, waiting while the connection cannot take more, so a slow client
     * holds back its own stream and no more than a chunk of it is in memory. A blob that breaks
     * off mid-way closes the connection: the client sees a short body, never a wrong one.
     */
    private void streamBlob(ChannelHandlerContext ctx, Exchange ex, String sha256, long size) {
        Runnable pump = () -> {
            long sent = 0;
            try (InputStream in = services.blobs().open(sha256)) {
                byte[] buf = new byte[STREAM_CHUNK];
                for (int n; sent < size && (n = in.readNBytes(buf, 0, (int) Math.min(buf.length, size - sent))) > 0; ) {
                    ChannelFuture w = ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(buf.clone(), 0, n)));
                    sent += n;
                    if (!ctx.channel().isWritable()) {
                        w.awaitUninterruptibly();
                    }
                    if (!ctx.channel().isActive()) {
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.ERROR, "cannot stream blob " + sha256, e);
            }
            long total = sent;
            if (total != size) {
                ctx.executor().execute(() -> ctx.close());
                return;
            }
            ctx.executor().execute(() -> finish(ctx, ex, ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), 200, total));
        };
        try {
            services.workers().execute(pump);
        } catch (RejectedExecutionException busy) {
            ctx.close(); // the headers are out: only a closed connection tells the client
        }
    }

    /** The name of the valid token an Authorization header carries, or null (in memory: safe on the event loop). */
    private String tokenName(String authorization) {
        if (authorization == null || services.adminApi() == null) {
            return null;
        }
        return services.adminApi().tokens().authenticate(Tokens.presented(authorization))
                .map(Principal::name).orElse(null);
    }

    /**
     * 401 with both challenges: pip and Maven send their credentials when asked with Basic; npm
     * sends its bearer token unasked.
     */
    private void sendUnauthorized(ChannelHandlerContext ctx, Exchange ex) {
        byte[] body = ("{\"error\":\"this Airlock needs a token for package requests (server.requireToken): npm _authToken, "
                + "or the password of pip's index URL or Maven's server credentials\",\"status\":401}\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED,
                ex.head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON_TYPE).set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store").add(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"airlock\"")
                .add(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"airlock\"");
        write(ctx, ex, res, 401, ex.head ? 0 : body.length);
    }

    /** The admin API's and console's answers, with their own headers; never cached by intermediaries. */
    private void sendAdmin(ChannelHandlerContext ctx, Exchange ex, AdminResponse r) {
        byte[] body = r.body();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                ex.head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType()).set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store").set("X-Content-Type-Options", "nosniff");
        r.headers().forEach((k, v) -> res.headers().set(k, v));
        write(ctx, ex, res, r.status(), ex.head ? 0 : body.length);
    }

    /** Query parameters, decoded; the first value of each. */
    private static Map<String, String> queryMap(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            } catch (IllegalArgumentException malformed) {
                // a malformed escape: the parameter is left out
            }
        }
        return out;
    }

    private void sendJson(ChannelHandlerContext ctx, Exchange ex, int status, String json) {
        sendBytes(ctx, ex, status, JSON_TYPE, json.getBytes(StandardCharsets.UTF_8));
    }

    private void sendBytes(ChannelHandlerContext ctx, Exchange ex, int status, String contentType, byte[] body) {
        ByteBuf content = ex.head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), content);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType).set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (ex.cache != null) {
            res.headers().set("X-Airlock-Cache", ex.cache.tag());
        }
        write(ctx, ex, res, status, ex.head ? 0 : body.length);
    }

    /**
     * A held or denied release: 403 with what was decided and why, the release id and how to ask
     * for it; the summary also goes in the status line, which is all some clients print.
     */
    private void sendBlocked(ChannelHandlerContext ctx, Exchange ex, Block b) {
        ex.packageName = b.packageName();
        ex.version = b.version();
        ex.verdict = b.verdict().name().toLowerCase(java.util.Locale.ROOT);
        ObjectNode o = JSON.createObjectNode().put("error", b.summary()).put("status", 403)
                .put("ecosystem", b.ecosystem()).put("package", b.packageName()).put("version", b.version())
                .put("verdict", b.verdict().name()).put("releaseId", b.releaseId()).put("howToRelease", b.howToRelease());
        b.reasons().forEach(o.putArray("reasons")::add);
        byte[] body = (o + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpRules.statusWithReason(403, b.summary()),
                ex.head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON_TYPE).set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        services.metrics().event("blocked", ex.ecosystem);
        write(ctx, ex, res, 403, ex.head ? 0 : body.length);
    }

    private void sendError(ChannelHandlerContext ctx, Exchange ex, boolean head, int status, String message, boolean close) {
        ObjectNode o = JSON.createObjectNode().put("error", message).put("status", status);
        byte[] body = (o + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpRules.statusWithReason(status, message),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON_TYPE).set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (close) {
            HttpUtil.setKeepAlive(res, false);
        }
        ChannelFuture f = ctx.writeAndFlush(res);
        finish(ctx, ex, f, status, head ? 0 : body.length);
        if (close) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void write(ChannelHandlerContext ctx, Exchange ex, FullHttpResponse res, int status, long bytes) {
        finish(ctx, ex, ctx.writeAndFlush(res), status, bytes);
    }

    private void finish(ChannelHandlerContext ctx, Exchange ex, ChannelFuture written, int status, long bytes) {
        services.metrics().request(ex.ecosystem, ex.routeKind, status, bytes);
        if (accessLog.enabled()) {
            if (remote == null) {
                remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "-";
            }
            if (written.isDone()) {
                logAccess(ctx, ex, written, status, bytes);
            } else {
                written.addListener(f -> logAccess(ctx, ex, f, status, bytes));
            }
        }
        next(ctx);
    }

    private void logAccess(ChannelHandlerContext ctx, Exchange ex, Future<?> f, int status, long bytes) {
        long micros = (System.nanoTime() - ex.start) / 1000;
        if (accessLog.json()) {
            accessLog.log(ctx.executor(), jsonAccessLine(ex, f.isSuccess(), status, bytes, micros));
            return;
        }
        StringBuilder line = new StringBuilder(96 + ex.uri.length())
                .append(remote).append(" \"").append(ex.method).append(' ');
        HttpRules.appendEscaped(line, ex.uri);
        line.append("\" ")
                .append(status).append(' ').append(bytes).append(' ')
                .append(micros / 1000).append('.').append((char) ('0' + micros % 1000 / 100)).append((char) ('0' + micros % 100 / 10))
                .append((char) ('0' + micros % 10)).append("ms ")
                .append(ex.ecosystem).append(' ').append(ex.routeKind).append(' ').append(ex.cache == null ? "-" : ex.cache.tag());
        if (!f.isSuccess()) {
            line.append(" aborted");
        }
        if (ex.queuedMillis >= 0) {
            // A request answered on a worker: what it waited for, so a slow cold answer says why.
            line.append(" queued=").append(ex.queuedMillis).append("ms");
            if (ex.parkedMillis > 0) {
                line.append(" parked=").append(ex.parkedMillis).append("ms");
            }
            if (ex.upstream != null) {
                line.append(" upstream=[").append(ex.upstream).append(']');
            }
        }
        accessLog.log(ctx.executor(), line);
    }






    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Connection resets and the like: nothing to answer, nothing to keep.
        LOG.log(Level.DEBUG, "connection error: " + cause);
        ctx.close();
    }
}
