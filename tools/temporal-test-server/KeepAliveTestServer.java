import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's test server started as its own main starts it (port, --enable-time-skipping), but
 * permitting the TypeScript SDK's keepalive pings: every 30 s, also between calls. The stock
 * server allows one ping per 5 minutes, answers more with GOAWAY (too_many_pings), and a long
 * suite's clients then reconnect while the server holds their time-skipping locks.
 */
public final class KeepAliveTestServer {
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: KeepAliveTestServer <port> [--enable-time-skipping]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    boolean timeSkipping = args.length > 1 && args[1].equalsIgnoreCase("--enable-time-skipping");
    TestServicesStarter services = new TestServicesStarter(!timeSkipping, 0);
    ServerBuilder<?> builder =
        Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true);
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    Server server = builder.build().start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdown();
                  services.close();
                }));
    server.awaitTermination();
  }
}
