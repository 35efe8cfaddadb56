package dev.airlock.core.server;

import dev.airlock.config.ServerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The one HTTP listener: every ecosystem mount, the health and metrics endpoints.
 * Plain HTTP; put a TLS terminator in front for remote clients and set {@code server.publicUrl}.
 */
public final class AirlockServer implements AutoCloseable {

    private final EventLoopGroup boss;
    private final EventLoopGroup loops;
    private final Channel channel;
    private final AccessLog accessLog;

    private AirlockServer(EventLoopGroup boss, EventLoopGroup loops, Channel channel, AccessLog accessLog) {
        this.boss = boss;
        this.loops = loops;
        this.channel = channel;
        this.accessLog = accessLog;
    }

    /** Binds and starts serving; throws when the address cannot be bound. */
    public static AirlockServer start(ServerConfig config, Services services, OutputStream accessSink) throws InterruptedException {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        // One loop per core: more only adds context switches, since nothing blocks on a loop.
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());
        AccessLog accessLog = new AccessLog(config.accessLog() ? accessSink : null,
                config.logFormat() == dev.airlock.config.ServerConfig.LogFormat.JSON);
        services.metrics().gauge("airlock.accesslog.dropped", "access-log lines dropped because the writer fell behind",
                accessLog::dropped);
        try {
            Router router = new Router(config, services);
            Channel ch = new ServerBootstrap()
                    .group(boss, loops)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    // A client may close its sending side once its request is out (RFC 9112 §9.6):
                    // its answer is still written, then the connection closes (RequestHandler).
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ServerInitializer(config, router, services, accessLog))
                    .bind(new InetSocketAddress(config.host(), config.port()))
                    .sync()
                    .channel();
            router.bound((InetSocketAddress) ch.localAddress());
            return new AirlockServer(boss, loops, ch, accessLog);
        } catch (Exception e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            accessLog.close();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Closes the listening socket; open connections and their answers continue. */
    public void stopAccepting() {
        channel.close().awaitUninterruptibly();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        accessLog.close();
    }
}
