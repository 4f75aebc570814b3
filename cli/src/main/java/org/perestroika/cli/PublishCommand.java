package org.perestroika.cli;

import java.nio.file.Path;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PublishTarget;
import picocli.CommandLine;

/** Placeholder until the publisher lands. */
@CommandLine.Command(name = "publish")
final class PublishCommand {
  static int publish(Farm farm, Path changes, Dist dist, PublishTarget target) {
    throw new UnsupportedOperationException("publish " + changes + dist + target + farm);
  }
}
