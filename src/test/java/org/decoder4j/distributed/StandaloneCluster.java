package org.decoder4j.distributed;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster on the loopback interface for tests: a master and N workers, each a
 * separate JVM started from the test class path, one core each. Closing it (or the JVM exiting)
 * kills them and the executors they started.
 *
 * <pre>{@code
 * try (StandaloneCluster cluster = StandaloneCluster.start(2, dir)) {
 *     SparkConf conf = cluster.driverConf(classPath);   // spark://127.0.0.1:PORT
 * }
 * }</pre>
 */
final class StandaloneCluster implements AutoCloseable {

    private static final String HOST = "127.0.0.1";

    private final Path dir;
    private final String classPath;
    private final int masterPort;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private final List<ProcessHandle> orphans = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::killAll, "standalone-cluster-cleanup");

    private StandaloneCluster(Path dir, String classPath, int masterPort) {
        this.dir = dir;
        this.classPath = classPath;
        this.masterPort = masterPort;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a master and {@code workers} workers (1 core, 1 GiB each) with logs and work directories under {@code dir}. */
    static StandaloneCluster start(int workers, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("spark-home/jars"));       // the launcher wants SPARK_HOME/jars to exist
        StandaloneCluster cluster = new StandaloneCluster(dir, testClassPath(), freePort());
        try {
            cluster.processes.add(cluster.launch("master", "org.apache.spark.deploy.master.Master",
                    "--host", HOST, "--port", Integer.toString(cluster.masterPort), "--webui-port", "0"));
            cluster.awaitPort(cluster.masterPort, Duration.ofSeconds(60));
            for (int w = 0; w < workers; w++) {
                Path work = Files.createDirectories(dir.resolve("worker-" + w));
                Process worker = cluster.launch("worker-" + w, "org.apache.spark.deploy.worker.Worker",
                        "--host", HOST, "--cores", "1", "--memory", "1g", "--webui-port", "0",
                        "--work-dir", work.toString(), cluster.masterUrl());
                cluster.processes.add(worker);
                cluster.workers.add(worker);
            }
            return cluster;
        } catch (IOException | RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
    }

    /** {@code spark://127.0.0.1:PORT}. */
    String masterUrl() {
        return "spark://" + HOST + ":" + masterPort;
    }

    /** The class path the tests run with, which the cluster's JVMs and executors use too. */
    String classPath() {
        return classPath;
    }

    /** The ids of the executors worker {@code w} has started: the names of their work directories. */
    List<String> executorIds(int w) throws IOException {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> apps = Files.list(dir.resolve("worker-" + w))) {
            for (Path app : apps.filter(Files::isDirectory).toList()) {
                try (Stream<Path> executors = Files.list(app)) {
                    executors.filter(Files::isDirectory).forEach(e -> ids.add(e.getFileName().toString()));
                }
            }
        }
        return ids;
    }

    /** Kills worker {@code w}'s JVM at once (SIGKILL); its executor notices and exits by itself. */
    synchronized void killWorker(int w) {
        Process worker = workers.get(w);
        worker.descendants().forEach(orphans::add);          // cleaned up in close() if they linger
        worker.destroyForcibly();
    }

    private Process launch(String name, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("SPARK_HOME", dir.resolve("spark-home").toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", HOST);
        env.put("OMP_NUM_THREADS", "1");
        return builder.start();
    }

    private void awaitPort(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket(HOST, port)) {
                return;
            } catch (IOException notYet) {
                if (!processes.get(0).isAlive()) {
                    throw new IllegalStateException("the Spark master exited; see " + dir.resolve("master.log"));
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the Spark master did not open port " + port + " within " + timeout);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Surefire's own class path property when it runs the tests through a manifest-only jar. */
    private static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        for (String entry : cp.split(File.pathSeparator)) {
            if (entry.endsWith("surefirebooter.jar") || entry.contains("surefirebooter")) {
                throw new UncheckedIOException(new IOException("no usable test class path: " + cp));
            }
        }
        return cp;
    }

    /** Kills every process this cluster started, and their children (the executors). */
    private synchronized void killAll() {
        orphans.forEach(ProcessHandle::destroyForcibly);
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Override
    public void close() {
        killAll();
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running already
        }
    }
}
