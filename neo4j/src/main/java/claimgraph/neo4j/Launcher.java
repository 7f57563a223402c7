package claimgraph.neo4j;

import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.SettingValueParsers;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.kernel.api.connectioninfo.ClientConnectionInfo;
import org.neo4j.internal.kernel.api.security.AuthenticationResult;
import org.neo4j.internal.kernel.api.security.LoginContext;
import org.neo4j.kernel.api.security.AuthManager;
import org.neo4j.kernel.api.security.AuthToken;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Runs an embedded Neo4j Community DBMS with only its Bolt connector, on loopback, for claimgraph.
 *
 * <pre>
 * java [JVM flags] -cp "neo4j/target/classes:neo4j/target/lib/*" claimgraph.neo4j.Launcher \
 *      --data DIR --port BOLT_PORT (--password PW | --password-env VAR) [--pagecache 256m] [--ignore-stdin]
 * </pre>
 * {@code --password-env VAR} reads the password from the environment, which unlike the command line
 * is not visible to other users in {@code ps}.
 *
 * JVM flags used by src/neo4j/ownNeo4j.ts (Java 17+; it runs without them, but then the page cache and
 * transaction-log native access fall back to slower modes and debug.log fills with warnings):
 * {@code -Xmx1g -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+DisableExplicitGC
 * -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true -Dlog4j2.disable.jmx=true
 * --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
 * --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED}
 *
 * <p>Protocol: stdout carries exactly one line, {@code CLAIMGRAPH_NEO4J_READY bolt://127.0.0.1:PORT},
 * once the DBMS accepts Bolt connections with the given password. Everything else goes to stderr;
 * Neo4j's own logs go to DIR/logs. The process stops cleanly (exit 0) on SIGTERM/SIGINT and when
 * stdin reaches EOF (the parent died), unless --ignore-stdin is given. A startup failure prints one
 * line starting with {@code CLAIMGRAPH_NEO4J_ERROR} to stderr and exits 1 (2 for bad arguments).
 */
public final class Launcher {
    public static final String READY = "CLAIMGRAPH_NEO4J_READY";
    public static final String ERROR = "CLAIMGRAPH_NEO4J_ERROR";

    private static final Object LOCK = new Object();
    private static volatile DatabaseManagementService dbms;
    private static final CountDownLatch stopRequested = new CountDownLatch(1);
    private static volatile String stopReason = "";

    private Launcher() {}

    public static void main(String[] args) {
        // stdout is a protocol channel: keep a handle on it and send anything else printed to stderr.
        final PrintStream protocol = new PrintStream(new FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err);

        String data = null;
        String password = null;
        String pageCache = "256m";
        int port = -1;
        boolean watchStdin = true;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--data": data = args[++i]; break;
                    case "--port": port = Integer.parseInt(args[++i]); break;
                    case "--password": password = args[++i]; break;
                    case "--password-env": {
                        String name = args[++i];
                        password = System.getenv(name);
                        if (password == null) {
                            throw new IllegalArgumentException("environment variable " + name + " is not set");
                        }
                        break;
                    }
                    case "--pagecache": pageCache = args[++i]; break;
                    case "--ignore-stdin": watchStdin = false; break;
                    default: throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (data == null || password == null || port < 1 || port > 65535) {
                throw new IllegalArgumentException("required: --data DIR --port 1..65535 --password PW|--password-env VAR");
            }
        } catch (RuntimeException e) {
            System.err.println(ERROR + " bad arguments: " + e.getMessage()
                    + " (usage: --data DIR --port BOLT_PORT (--password PW | --password-env VAR) [--pagecache 256m] [--ignore-stdin])");
            System.err.flush();
            System.exit(2);
            return;
        }

        // Fallback for signals we do not handle ourselves and for System.exit from anywhere.
        Runtime.getRuntime().addShutdownHook(new Thread(Launcher::shutdownDbms, "claimgraph-neo4j-shutdown"));
        installSignalHandler("TERM");
        installSignalHandler("INT");

        // Watch stdin from the start, so that a parent dying while Neo4j starts is noticed as well.
        if (watchStdin) {
            Thread watcher = new Thread(() -> {
                InputStream in = System.in;
                byte[] buf = new byte[256];
                try {
                    while (in.read(buf) >= 0) {
                        // ignore whatever the parent writes; only EOF matters
                    }
                } catch (Exception ignored) {
                    // a broken stdin means the parent is gone as well
                }
                requestStop("stdin closed");
            }, "claimgraph-neo4j-stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }

        final String boltUri = "bolt://127.0.0.1:" + port;
        try {
            final long t0 = System.nanoTime();
            Path home = Path.of(data).toAbsolutePath().normalize();
            Files.createDirectories(home);
            DatabaseManagementService started = new DatabaseManagementServiceBuilder(home)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, SettingValueParsers.BYTES.parse(pageCache))
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, true)
                    .setConfig(GraphDatabaseSettings.logs_directory, home.resolve("logs"))
                    // Netty's default 5 s quiet period, paid twice, made every shutdown take ~10 s.
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .build();
            synchronized (LOCK) {
                dbms = started;
            }
            if (stopRequested.getCount() == 0) {
                // A signal arrived while we were starting.
                shutdownDbms();
                System.exit(0);
                return;
            }
            long built = System.nanoTime();
            setPassword(started, password);
            long passwordSet = System.nanoTime();
            // Wait until the default database is up before announcing readiness.
            if (!started.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).isAvailable(60_000)) {
                throw new IllegalStateException("database " + GraphDatabaseSettings.DEFAULT_DATABASE_NAME
                        + " did not become available within 60 s");
            }
            System.err.printf("claimgraph-neo4j: started (JVM start %d ms, DBMS %d ms, password %d ms)%n",
                    java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime()
                            - (System.nanoTime() - t0) / 1_000_000,
                    (built - t0) / 1_000_000, (passwordSet - built) / 1_000_000);
            System.err.flush();
        } catch (Throwable t) {
            System.err.println(ERROR + " failed to start Neo4j on " + boltUri + " with data dir " + data + ": "
                    + describe(t));
            System.err.flush();
            shutdownDbms();
            Runtime.getRuntime().halt(1);
            return;
        }

        protocol.println(READY + " " + boltUri);
        protocol.flush();

        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.err.println("claimgraph-neo4j: stopping (" + stopReason + ")");
        System.err.flush();
        shutdownDbms();
        System.exit(0);
    }

    /**
     * Makes {@code password} the password of user neo4j, with no change required. On a restart with the same
     * password this is a login check only (the first Cypher admin command costs ~2.5 s of warm-up).
     */
    private static void setPassword(DatabaseManagementService service, String password) {
        var system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        if (passwordAlreadySet(system, password)) {
            return;
        }
        try {
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED",
                    Map.of("pw", password));
        } catch (RuntimeException e) {
            // Neo4j refuses to "change" a password to the one it already has; that is the restart case.
            String msg = String.valueOf(e.getMessage()).toLowerCase();
            if (msg.contains("old password and new password cannot be the same")) {
                system.executeTransactionally("ALTER USER neo4j SET PASSWORD CHANGE NOT REQUIRED");
            } else {
                throw e;
            }
        }
    }

    /** True when neo4j/password logs in with no change required. Uses internal API; any surprise means "no". */
    private static boolean passwordAlreadySet(GraphDatabaseService system, String password) {
        try {
            AuthManager auth = ((GraphDatabaseAPI) system).getDependencyResolver().resolveDependency(AuthManager.class);
            LoginContext login = auth.login(AuthToken.newBasicAuthToken("neo4j", password),
                    ClientConnectionInfo.EMBEDDED_CONNECTION);
            return login.subject().getAuthenticationResult() == AuthenticationResult.SUCCESS;
        } catch (Throwable t) {
            return false;
        }
    }

    private static void installSignalHandler(String name) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> requestStop("SIG" + name));
        } catch (Throwable t) {
            // Not available (or signal in use): the shutdown hook still stops the DBMS; exit code is then 128+n.
            System.err.println("claimgraph-neo4j: cannot handle SIG" + name + " (" + t + "), relying on shutdown hook");
        }
    }

    private static void requestStop(String reason) {
        synchronized (LOCK) {
            if (stopReason.isEmpty()) {
                stopReason = reason;
            }
        }
        stopRequested.countDown();
    }

    /** Stops the DBMS once; later calls (e.g. the shutdown hook after main's own stop) do nothing. */
    private static void shutdownDbms() {
        synchronized (LOCK) {
            DatabaseManagementService service = dbms;
            dbms = null;
            if (service == null) {
                return;
            }
            try {
                service.shutdown();
            } catch (Throwable t) {
                System.err.println("claimgraph-neo4j: error during shutdown: " + describe(t));
            }
            System.err.flush();
        }
    }

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        Throwable cur = t;
        int depth = 0;
        while (cur != null && depth < 6) {
            if (depth > 0) {
                sb.append(" <- caused by: ");
            }
            sb.append(cur.getClass().getSimpleName()).append(": ").append(cur.getMessage());
            if (cur.getCause() == cur) {
                break;
            }
            cur = cur.getCause();
            depth++;
        }
        return sb.toString().replace('\n', ' ').replace('\r', ' ');
    }
}
