package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServiceLogTest {
  private final ByteArrayOutputStream journal = new ByteArrayOutputStream();

  private PrintStream stream(int priority, boolean readsLevels) {
    return new PrintStream(
        new ServiceLog.PriorityLines(journal, priority, readsLevels), true, StandardCharsets.UTF_8);
  }

  private String journal() {
    return journal.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aLogRecordGetsItsLevelsPriorityAndTheLinesAfterItTheSame() {
    PrintStream log = stream(ServiceLog.ERROR, true);
    log.println("[INFO] dispatched build 12");
    log.println("[WARN] Gerrit stream closed; reconnecting in 5 s");
    log.println("[ERROR] build 13 failed to start");
    new IllegalStateException("no slot").printStackTrace(log);
    log.println("[DEBUG] polling");

    String[] lines = journal().split("\n");
    assertEquals("<6>dispatched build 12", lines[0]);
    assertEquals("<4>Gerrit stream closed; reconnecting in 5 s", lines[1]);
    assertEquals("<3>build 13 failed to start", lines[2]);
    assertEquals("<3>java.lang.IllegalStateException: no slot", lines[3]);
    assertTrue(lines[4].startsWith("<3>\tat org.perestroika.cli.ServiceLogTest."), lines[4]);
    assertEquals("<7>polling", lines[lines.length - 1]);
  }

  @Test
  void aStatusLineHasTheStreamsPriorityAndALineWrittenInPiecesIsOneEntry() {
    PrintStream status = stream(ServiceLog.INFO, false);
    status.print("[scheduler] following ");
    status.flush();
    status.print("gerrit");
    status.println("; API at http://127.0.0.1:8080");
    status.println("[WARN] is only text here");

    assertEquals(
        "<6>[scheduler] following gerrit; API at http://127.0.0.1:8080\n<6>[WARN] is only text here\n",
        journal());
  }

  @Test
  void closingWritesAnUnfinishedLine() throws IOException {
    ServiceLog.PriorityLines lines = new ServiceLog.PriorityLines(journal, ServiceLog.ERROR, true);
    lines.write("[WARN] last words".getBytes(StandardCharsets.UTF_8));
    assertEquals("", journal());
    lines.close();
    assertEquals("<4>last words\n", journal());
  }
}
