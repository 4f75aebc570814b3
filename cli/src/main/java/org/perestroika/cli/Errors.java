package org.perestroika.cli;

import java.io.UncheckedIOException;
import org.perestroika.core.EnvironmentException;
import org.perestroika.core.config.ConfigException;
import org.perestroika.core.process.CommandFailedException;

/** Turns a fault into the sentence a person reads at the edge, with what to do about it. */
final class Errors {
  private Errors() {}

  static String describe(Throwable e) {
    if (e instanceof UncheckedIOException io) {
      return io.getMessage() + ": " + io.getCause().getMessage();
    }
    if (e instanceof EnvironmentException env && env.retryable()) {
      return env.getMessage() + "\n(this may pass if tried again once the cause is fixed)";
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** Faults we did not anticipate get a stack trace; anticipated ones only their message. */
  static boolean isInternal(Throwable e) {
    return !(e instanceof IllegalArgumentException
        || e instanceof IllegalStateException
        || e instanceof EnvironmentException
        || e instanceof ConfigException
        || e instanceof CommandFailedException
        || e instanceof UncheckedIOException
        || e.getClass().getPackageName().startsWith("org.perestroika"));
  }
}
