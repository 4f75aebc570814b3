# @summary The scheduler: its configuration, its database and its systemd service.
#
# @param config The whole of /etc/perestroika/perestroika.yaml, as YAML text (see the README's
#   configuration and scheduler sections, and puppet/examples/perestroika.yaml).
# @param secrets Files the configuration names (Gerrit password, Jenkins token, webhook secret),
#   path => content; written readable by the farm's user alone.
# @param database_password When set, PostgreSQL is installed here with a database `perestroika`
#   owned by a role of the farm user's name with this password, as the configuration's
#   `database: jdbc:postgresql://127.0.0.1/perestroika?user=perestroika&password=...` names.
class perestroika::scheduler (
  String[1] $config,
  Hash[Perestroika::Path, String] $secrets = {},
  Optional[String[1]] $database_password = undef,
) {
  include perestroika
  include perestroika::command

  package { 'default-jre-headless':
    ensure => installed,
  }

  file { '/etc/perestroika/perestroika.yaml':
    ensure  => file,
    owner   => 'root',
    group   => $perestroika::user,
    mode    => '0640',
    content => $config,
    notify  => Service['perestroika-scheduler'],
  }

  $secrets.each |$path, $content| {
    file { $path:
      ensure    => file,
      owner     => $perestroika::user,
      group     => $perestroika::user,
      mode      => '0600',
      content   => Sensitive($content),
      show_diff => false,
      notify    => Service['perestroika-scheduler'],
    }
  }

  if $database_password {
    package { 'postgresql':
      ensure => installed,
    }

    service { 'postgresql':
      ensure  => running,
      enable  => true,
      require => Package['postgresql'],
    }

    # The password goes through a file only postgres reads, never a command line.
    $role = $perestroika::user
    $quoted = regsubst($database_password, "'", "''", 'G')
    file { '/var/lib/postgresql/perestroika-role.sql':
      ensure    => file,
      owner     => 'postgres',
      mode      => '0600',
      content   => Sensitive("ALTER ROLE ${role} LOGIN PASSWORD '${quoted}';\n"),
      show_diff => false,
      require   => Package['postgresql'],
    }

    exec { 'perestroika database':
      command => "createuser ${role} && createdb -O ${role} perestroika",
      unless  => "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = '${role}'\" | grep -q 1",
      path    => ['/usr/bin', '/bin'],
      user    => 'postgres',
      require => Service['postgresql'],
    }

    exec { 'perestroika database password':
      command     => 'psql -q -f /var/lib/postgresql/perestroika-role.sql',
      path        => ['/usr/bin', '/bin'],
      user        => 'postgres',
      refreshonly => true,
      subscribe   => [File['/var/lib/postgresql/perestroika-role.sql'], Exec['perestroika database']],
      before      => Service['perestroika-scheduler'],
    }
  }

  file { '/etc/systemd/system/perestroika-scheduler.service':
    ensure => file,
    mode   => '0644',
    source => 'puppet:///modules/perestroika/perestroika-scheduler.service',
    notify => Service['perestroika-scheduler'],
  }

  service { 'perestroika-scheduler':
    ensure  => running,
    enable  => true,
    require => [File['/usr/local/bin/perestroika'], Exec['perestroika jar']],
  }
}
