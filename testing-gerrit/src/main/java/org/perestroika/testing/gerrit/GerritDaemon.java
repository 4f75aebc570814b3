package org.perestroika.testing.gerrit;

import static com.google.gerrit.acceptance.testsuite.project.TestProjectUpdate.allow;
import static com.google.gerrit.acceptance.testsuite.project.TestProjectUpdate.allowLabel;
import static com.google.gerrit.server.group.SystemGroupBackend.REGISTERED_USERS;
import static com.google.gerrit.server.project.testing.TestLabels.value;

import com.google.gerrit.acceptance.AbstractDaemonTest;
import com.google.gerrit.acceptance.UseSsh;
import com.google.gerrit.acceptance.testsuite.project.ProjectOperations;
import com.google.gerrit.entities.LabelFunction;
import com.google.gerrit.entities.Permission;
import com.google.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.junit.Test;
import org.junit.runner.JUnitCore;
import org.junit.runner.Result;
import org.junit.runner.notification.Failure;

/** The forked side of {@link GerritServer}: a full Gerrit that serves until a stop file appears. */
@UseSsh
public class GerritDaemon extends AbstractDaemonTest {
  private static final Duration POLL = Duration.ofMillis(200);

  // JUnitCore instantiates this class itself, so main hands over its arguments through statics.
  private static Path workDir;
  private static Optional<ProcessHandle> parent = Optional.empty();

  @Inject private ProjectOperations projectOperations;

  /**
   * Runs the server. {@code args[0]} is the work directory; the optional {@code args[1]} is the
   * launcher's pid, so that a daemon whose test JVM was killed does not linger.
   */
  public static void main(String[] args) {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: GerritDaemon WORK_DIR [LAUNCHER_PID]");
      System.exit(2);
    }
    workDir = Path.of(args[0]).toAbsolutePath();
    if (args.length == 2) {
      parent = ProcessHandle.of(Long.parseLong(args[1]));
    }
    Result result = JUnitCore.runClasses(GerritDaemon.class);
    for (Failure failure : result.getFailures()) {
      System.err.println(failure.getTrace());
    }
    System.out.println(result.wasSuccessful() ? "GerritDaemon stopped" : "GerritDaemon failed");
    // Gerrit leaves non-daemon threads behind after shutdown; the exit code is the outcome.
    System.exit(result.wasSuccessful() ? 0 : 1);
  }

  @Test
  public void serveUntilStopped() throws Exception {
    configureForCi();
    writeDetails();
    while (!Files.exists(workDir.resolve(GerritServer.STOP_FILE))) {
      if (parent.isPresent() && !parent.get().isAlive()) {
        System.out.println("launcher " + parent.get().pid() + " is gone, shutting down");
        return;
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** Verified as CI sets it, and the rights a CI user needs beyond the defaults. */
  private void configureForCi() throws Exception {
    // The one-project overloads configure the framework's per-test project, not the server.
    configLabel(
        allProjects,
        "Verified",
        LabelFunction.NO_BLOCK,
        value(1, "Verified"),
        value(0, "No score"),
        value(-1, "Fails"));
    projectOperations
        .project(allProjects)
        .forUpdate()
        .add(allowLabel("Verified").ref("refs/heads/*").group(REGISTERED_USERS).range(-1, 1))
        .add(allow(Permission.PUSH).ref("refs/for/*").group(REGISTERED_USERS))
        .add(allow(Permission.CREATE).ref("refs/heads/*").group(REGISTERED_USERS))
        .add(allow(Permission.FORGE_AUTHOR).ref("refs/*").group(REGISTERED_USERS))
        .add(allow(Permission.FORGE_COMMITTER).ref("refs/*").group(REGISTERED_USERS))
        .update();
  }

  private void writeDetails() throws Exception {
    Path key = workDir.resolve("admin_id");
    writePrivateKey(sshKeys.getKeyPair(admin), key);

    List<String> sshListen = List.of(cfg.getStringList("sshd", null, "listenAddress"));
    if (sshListen.isEmpty()) {
      throw new IllegalStateException("sshd has no listenAddress; is @UseSsh honoured?");
    }
    String hostPort = sshListen.get(0);
    int colon = hostPort.lastIndexOf(':');

    Properties details = new Properties();
    details.setProperty("httpUrl", canonicalWebUrl.get());
    details.setProperty("sshHost", hostPort.substring(0, colon));
    details.setProperty("sshPort", hostPort.substring(colon + 1));
    details.setProperty("user", admin.username());
    details.setProperty("email", admin.email());
    details.setProperty("fullName", admin.fullName());
    details.setProperty("httpPassword", admin.httpPassword());
    details.setProperty("sshPrivateKey", key.toString());

    // The launcher polls for this file: it must never see it half written.
    Path temp = Files.createTempFile(workDir, GerritServer.DETAILS_FILE, ".tmp");
    try (OutputStream out = Files.newOutputStream(temp)) {
      details.store(out, "Gerrit test server");
    }
    Files.move(
        temp,
        workDir.resolve(GerritServer.DETAILS_FILE),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  private static void writePrivateKey(KeyPair keyPair, Path file) throws Exception {
    Files.deleteIfExists(file);
    // ssh refuses a key that others can read, so the file is created 0600 rather than chmod-ed.
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(file)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(
          keyPair, "admin", (OpenSSHKeyEncryptionContext) null, out);
    } catch (IOException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }
}
