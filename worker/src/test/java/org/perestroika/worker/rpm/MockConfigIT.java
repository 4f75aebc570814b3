package org.perestroika.worker.rpm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.Requirements;

/**
 * The rendered mock configuration read as mock reads it: executed as Python with {@code
 * config_opts}, its yum.conf parsed as an INI file. mock itself cannot run here (no RPM
 * distribution's mirror is reachable), so this checks what mock would be given.
 */
class MockConfigIT {
  private static final String READ =
      """
      import configparser, sys
      config_opts = {'macros': {}}
      exec(open(sys.argv[1]).read())
      yum = configparser.ConfigParser(interpolation=None)
      yum.read_string(config_opts['yum.conf'])
      print(config_opts['root'], config_opts['dist'], config_opts['releasever'],
            config_opts['macros']['%dist'], config_opts['rpmbuild_networking'])
      print('main gpgcheck', yum['main']['gpgcheck'], 'reposdir', yum['main']['reposdir'])
      for section in yum.sections()[1:]:
          repo = yum[section]
          print(section, repo['baseurl'], repo['gpgcheck'], repo.get('repo_gpgcheck', '-'))
      """;

  @TempDir Path work;

  @Test
  void mockReadsTheConfigurationAndItsRepositories() throws Exception {
    Requirements.requirePrograms("python3");
    Path config = Files.writeString(work.resolve("centos7.cfg"), MockConfigTest.WITH_MOS.render());
    Path script = Files.writeString(work.resolve("read.py"), READ);

    String read =
        new ProcessCommandRunner()
            .check(Command.of("python3", script.toString(), config.toString()))
            .stdout();

    assertEquals(
        List.of(
            "perestroika-centos-7-x86_64 el7 7 .el7 False",
            "main gpgcheck 1 reposdir /dev/null",
            "base http://vault.centos.org/7.9.2009/os/x86_64 1 -",
            "mos-os http://mirror.example/mos/centos-7/mos7.0/os/x86_64 1 1",
            "mos-updates http://mirror.example/mos/centos-7/mos7.0/updates/x86_64 1 1",
            "mos-security http://mirror.example/mos/centos-7/mos7.0/security/x86_64 1 1"),
        read.lines().toList());
  }
}
