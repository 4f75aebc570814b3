package org.perestroika.core.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs commands as child processes of this JVM, capturing both output streams. */
public final class ProcessCommandRunner implements CommandRunner {
  private static final Logger log = LoggerFactory.getLogger(ProcessCommandRunner.class);

  @Override
  public CommandResult run(Command command) {
    log.debug("running {}", command.display());
    ProcessBuilder builder = new ProcessBuilder(command.argv());
    builder.environment().putAll(command.environment());
    command.workDir().ifPresent(dir -> builder.directory(dir.toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new CommandFailedException(
          command, "could not be started (is it installed?): " + e.getMessage(), e);
    }
    // Both streams are drained concurrently so that a chatty tool never blocks on a full pipe.
    CompletableFuture<String> stdout = drain(process.getInputStream());
    CompletableFuture<String> stderr = drain(process.getErrorStream());
    try {
      if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new CommandFailedException(
            command, "did not finish within " + command.timeout(), null);
      }
      return new CommandResult(process.exitValue(), stdout.join(), stderr.join());
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new CommandFailedException(command, "was interrupted", e);
    }
  }

  /** Reads a stream to its end on a thread of its own (the common pool may have one thread). */
  private static CompletableFuture<String> drain(InputStream stream) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (stream) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                stream.transferTo(out);
                text.complete(out.toString(StandardCharsets.UTF_8));
              } catch (IOException e) {
                text.completeExceptionally(new UncheckedIOException(e));
              }
            },
            "command-output");
    reader.setDaemon(true);
    reader.start();
    return text;
  }
}
