package dev.airlock.core.server;

import dev.airlock.config.ServerConfig;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/** The pipeline, in wire order, one job per handler. */
final class ServerInitializer extends ChannelInitializer<SocketChannel> {

    private final ServerConfig config;
    private final Router router;
    private final Services services;
    private final AccessLog accessLog;

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
        if (idle > 0) {
            // A connection that neither reads nor writes for idleTimeout is closed; observeOutput keeps
            // a slow download to a slow client alive as long as it makes progress.
            p.addLast("idle", new IdleStateHandler(true, 0, 0, idle, TimeUnit.MILLISECONDS));
            // A request must arrive whole within idleTimeout of its first byte (slowloris).
            p.addLast("deadline", new RequestDeadline(idle));
        }
        p.addLast("codec", new HttpServerCodec(config.maxInitialLineLength(), config.maxHeaderSize(), 8192));
        p.addLast("keepAlive", new HttpServerKeepAliveHandler());
        // Only small bodies exist on the way in (npm audit, admin JSON); artifacts flow outwards.
        p.addLast("aggregator", new HttpObjectAggregator((int) Math.min(Integer.MAX_VALUE, config.maxRequestBodyBytes())));
        p.addLast("handler", new RequestHandler(router, services, accessLog));
    }
}
