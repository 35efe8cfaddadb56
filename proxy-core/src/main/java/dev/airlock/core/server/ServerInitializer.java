package dev.airlock.core.server;

import dev.airlock.config.ServerConfig;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/** The pipeline, in wire order, one job per handler. */
final class ServerInitializer extends ChannelInitializer<SocketChannel> {

    private final ServerConfig config;
    private final Router router;
    private final Services services;
    private final AccessLog accessLog;
    private final RequestIds requestIds = new RequestIds();

    ServerInitializer(ServerConfig config, Router router, Services services, AccessLog accessLog) {
        this.config = config;
        this.router = router;
        this.services = services;
        this.accessLog = accessLog;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        long idle = config.idleTimeout().toMillis();
        ChannelPipeline p = ch.pipeline();
        // Slow requests, idle connections and stalled readers are closed after idleTimeout (0: never).
        ConnectionGuard guard = idle > 0 ? new ConnectionGuard(idle) : null;
        if (guard != null) {
            p.addLast("guard", guard);
        }
        p.addLast("codec", new HttpServerCodec(config.maxInitialLineLength(), config.maxHeaderSize(), 8192));
        p.addLast("keepAlive", new HttpServerKeepAliveHandler());
        p.addLast("requestIds", requestIds);
        // Only small bodies exist on the way in (npm audit, admin JSON); artifacts flow outwards.
        p.addLast("aggregator", new HttpObjectAggregator((int) Math.min(Integer.MAX_VALUE, config.maxRequestBodyBytes())));
        p.addLast("handler", new RequestHandler(router, services, accessLog, guard, requestIds));
    }
}
