# @summary The `perestroika` command of the checkout, built at provisioning time, so that services
#   and jobs running as unprivileged users never have to build it.
#
# bin/perestroika installs a JDK and Maven when they are missing and builds the jar when it is
# absent or older than a source; after a `git pull` of the checkout, run it once as root
# (`perestroika --version`) or apply again.
class perestroika::command {
  include perestroika

  $jar = "${perestroika::install_dir}/cli/target/perestroika.jar"
  exec { 'perestroika jar':
    command  => "${perestroika::install_dir}/bin/perestroika --version",
    unless   => "test -f ${jar} -a -x /usr/bin/java -a -x /usr/bin/mvn",
    path     => ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'],
    provider => shell,
    timeout  => 3600,
  }
}
