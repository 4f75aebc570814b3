package org.perestroika.core.debian;

/** A Debian control file (.changes, .dsc, changelog, conf/distributions) breaks its syntax. */
public final class MalformedControlFileException extends RuntimeException {
  private final String sourceName;
  private final int line;

  /**
   * @param sourceName the file the text came from, as it should appear in messages
   * @param line the 1-based line the problem is on, or 0 when it concerns the whole file
   * @param problem what is wrong, phrased so that a person can fix it
   */
  public MalformedControlFileException(String sourceName, int line, String problem) {
    super(sourceName + (line > 0 ? ":" + line : "") + ": " + problem);
    this.sourceName = sourceName;
    this.line = line;
  }

  public String sourceName() {
    return sourceName;
  }

  /** The 1-based line number, or 0 when the problem concerns the whole file. */
  public int line() {
    return line;
  }
}
